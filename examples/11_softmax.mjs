// MISSION 11: softmax is translation invariant (so subtracting the max keeps it stable), with two
// classes it is a sigmoid, K−1 free logits suffice, and its Jacobian is diag(p) − ppᵀ.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const f64 = (v) => ck.tensor(v, { dtype: 'float64' });
const z = f64([1, 2, 0.5, -1]);
const p = ck.softmax(z, 0);
show('softmax(z)', p.toArray());
show('softmax(z + 100)', ck.softmax(ck.add(z, 100), 0).toArray());
show('softmax([1000, 1001, 1002])', ck.softmax(f64([1000, 1001, 1002]), 0).toArray());
// two classes: softmax([z0, z1])[1] = sigmoid(z1 - z0)
show('softmax([0.3, 1.7])[1]', ck.softmax(f64([0.3, 1.7]), 0).data[1]);
show('sigmoid(1.7 - 0.3)', ck.sigmoid(f64([1.4])).data[0]);
// K−1 parameterisation: fixing the last logit at 0 loses nothing (subtract z[K-1] from all)
show('softmax([z0 - z3, z1 - z3, z2 - z3, 0])', ck.softmax(ck.sub(z, z.data[3]), 0).toArray());
// the Jacobian, by automatic differentiation and by the formula
show('jacobian(softmax)(z)', ck.jacobian((v) => ck.softmax(v, 0), z).toArray());
show('diag(p) - p p^T', ck.sub(ck.mul(ck.eye(4, 4, { dtype: 'float64' }), p), ck.outer(p, p)).toArray());
