// MISSION 12: a two-layer sigmoid network and its tanh twin. σ(z) = (1 + tanh(z/2))/2, so
// h = σ(W1 x + b1), y = W2 h + b2 equals y = W2' tanh(W1' x + b1') + b2' with W1' = W1/2,
// b1' = b1/2, W2' = W2/2, b2' = b2 + (W2 · 1)/2.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const f64 = (v) => ck.tensor(v, { dtype: 'float64' });
const W1 = f64([[1, -2, 0.5], [0.3, 0.8, -1], [2, 0, 1], [-0.5, 1.5, 0.2]]);
const b1 = f64([0.1, -0.2, 0.3, 0]);
const W2 = f64([[1, -1, 2, 0.5], [0, 3, -1, 1]]);
const b2 = f64([0.5, -1]);
const X = f64([[1, 2, 3], [-1, 0, 2], [0.5, -0.5, 1]]); // three inputs, one per row

const sigmoidNet = (x) => ck.linear(ck.sigmoid(ck.linear(x, W1, b1)), W2, b2);
const W1t = ck.mul(W1, 0.5);
const b1t = ck.mul(b1, 0.5);
const W2t = ck.mul(W2, 0.5);
const b2t = ck.add(b2, ck.mul(ck.sum(W2, 1), 0.5));
const tanhNet = (x) => ck.linear(ck.tanh(ck.linear(x, W1t, b1t)), W2t, b2t);

show("W1' = W1/2", W1t.toArray());
show("b1' = b1/2", b1t.toArray());
show("W2' = W2/2", W2t.toArray());
show("b2' = b2 + W2·1/2", b2t.toArray());
show('sigmoid network outputs', sigmoidNet(X).toArray());
show('tanh network outputs', tanhNet(X).toArray());
show('largest difference', ck.amax(ck.abs(ck.sub(sigmoidNet(X), tanhNet(X)))).item());
