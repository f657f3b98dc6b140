// MISSION 3: a 2-channel 1-d convolution with 3 filters and stride 2: output, ∂f/∂W, ∂f/∂x, ∂ℓ/∂W.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const num = (v) => (v < 0 ? `(${v})` : String(v));
const f64 = (v) => ck.tensor(v, { dtype: 'float64' });
const x = f64([[[1, 2, -1, 0, 3, 1, -2], [0, 1, 2, -1, 1, 0, 2]]]); // (N=1, C=2, L=7)
const w = f64([[[1, 0, -1], [2, 1, 0]], [[0, 1, 1], [-1, 0, 1]], [[1, 1, 1], [0, -2, 0]]]); // (Cout=3, Cin=2, K=3)
const f = (x_, w_) => ck.conv1d(x_, w_, null, { stride: 2 });

const y = f(x, w);
show('y', y.toArray()); // L_out = floor((7 - 3)/2 + 1) = 3
console.log(`L_out = ${ck.convOutFormula(7, 3, 2, 0, 0, 1)}`);
// y[0, o, t] = Σ_c Σ_k w[o, c, k] · x[0, c, 2t + k]
console.log(`y[0,0,1] = ${[0, 1].flatMap((c) => [0, 1, 2].map((k) => `${num(w.data[c * 3 + k])}·${num(x.data[c * 7 + 2 + k])}`)).join(' + ')} = ${y.data[1]}`);

// the Jacobians of the output with respect to the filter and to the input
const jw = ck.jacobian((w_) => f(x, w_), w); // shape [1, 3, 3] + [3, 2, 3]
const jx = ck.jacobian((x_) => f(x_, w), x); // shape [1, 3, 3] + [1, 2, 7]
show('df/dW shape', jw.shape);
show('df/dW[0,0,1]', jw.reshape([9, 18]).toArray()[1]); // ∂y[0,0,1]/∂w: x[0, c, 2..4] in filter 0's slots, zero elsewhere
show('df/dx shape', jx.shape);
show('df/dx[0,0,1]', jx.reshape([9, 14]).toArray()[1]); // ∂y[0,0,1]/∂x: w[0] placed at positions 2..4

// a squared-error loss ℓ = ½ Σ (y - t)²: ∂ℓ/∂W = Σ_t (y - t)[o, t] · x[c, 2t + k]
const target = f64([[[1, 0, 2], [0, 1, 0], [2, 2, -1]]]);
const loss = (w_) => ck.mul(ck.sum(ck.square(ck.sub(f(x, w_), target))), 0.5);
const [l, g] = ck.valueAndGrad(loss)(w);
show('loss', l.item());
show('dL/dW', g.toArray());
