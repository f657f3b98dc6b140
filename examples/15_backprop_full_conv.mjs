// MISSION 15: backpropagation through a valid convolution is a full convolution of the upstream
// gradient with the (flipped) kernel, and through a full convolution it is a valid one.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const f64 = (v) => ck.tensor(v, { dtype: 'float64' });
const x = f64([1, -2, 3, 0, 2, 1]);
const w = f64([2, -1, 3]);
const g = f64([1, 0.5, -1, 2]); // ∂L/∂y for the 4 outputs of the valid correlation

// y = valid cross-correlation of x with w (what conv1d computes); L = Σ g·y
const dx = ck.grad((x_) => ck.sum(ck.mul(ck.correlate(x_, w, 'valid'), g)))(x);
show('dL/dx by backpropagation', dx.toArray());
show('full convolution of g with w', ck.convolve(g, w, 'full').toArray());
show('full correlation of g with flip(w)', ck.correlate(g, ck.flip(w, [0]), 'full').toArray());

// through a full convolution y[m] = Σ_i w[i]·x[m−i], dL/dx[j] = Σ_i w[i]·g[j+i]: a valid correlation
const g2 = f64([1, -1, 0.5, 2, 0, 1, -2, 1]); // 6 + 3 - 1 outputs
const dx2 = ck.grad((x_) => ck.sum(ck.mul(ck.convolve(x_, w, 'full'), g2)))(x);
show('dL/dx through a full convolution', dx2.toArray());
show('valid correlation of g2 with w', ck.correlate(g2, w, 'valid').toArray());

// 2-d, with the layer itself: conv2d's input gradient is a full conv2d with the flipped kernel
const X = f64([[[[1, 2, 0], [0, -1, 3], [2, 1, 1]]]]);
const W = f64([[[[1, -2], [0, 3]]]]);
const G = f64([[[[1, -1], [2, 0.5]]]]);
const dX = ck.grad((x_) => ck.sum(ck.mul(ck.conv2d(x_, W), G)))(X);
show('conv2d: dL/dX', dX.reshape([3, 3]).toArray());
show('conv2d(G, flip(W), padding 1)', ck.conv2d(G, ck.flip(W, [2, 3]), null, { padding: 1 }).reshape([3, 3]).toArray());
