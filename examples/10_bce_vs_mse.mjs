// MISSION 10: sigmoid + binary cross-entropy has gradient σ(a) − y; MSE through a sigmoid has
// 2(σ(a) − y)σ(a)(1 − σ(a)), which vanishes when the prediction is confidently wrong.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const a = ck.tensor([-6, -2, 0, 2, 6], { dtype: 'float64' });
const y = ck.tensor([1, 1, 1, 1, 1], { dtype: 'float64' });
const bce = ck.grad((a_) => ck.binaryCrossEntropyWithLogits(a_, y, { reduction: 'sum' }))(a);
const mse = ck.grad((a_) => ck.sum(ck.square(ck.sub(ck.sigmoid(a_), y))))(a);
show('a', a.toArray());
show('sigmoid(a)', ck.sigmoid(a).toArray());
show('dBCE/da', bce.toArray());
show('sigmoid(a) - y', ck.sub(ck.sigmoid(a), y).toArray());
show('dMSE/da', mse.toArray());
console.log(`at a = -6 (confidently wrong, y = 1): BCE gradient ${bce.data[0].toFixed(6)} pushes hard; MSE gradient ${mse.data[0].toExponential(3)} hardly moves: BCE suits classification`);
