// MISSION 7: a convolution written as a matrix (Toeplitz, doubly-block Toeplitz, circulant), its
// Jacobian with respect to the filter, and a vector-Jacobian product.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const f64 = (v) => ck.tensor(v, { dtype: 'float64' });

// 1-d valid cross-correlation of a length-5 input with [1, 2, 3]: y = M x, M Toeplitz (3 x 5)
const w1 = f64([[[1, 2, 3]]]);
const M = ck.convMatrix([1, 1, 5], w1);
show('Toeplitz M (1-d, valid)', M.toArray());
const x1 = f64([[[2, -1, 0, 4, 1]]]);
show('M x', ck.mv(M, x1.reshape([5])).toArray());
show('conv1d(x, w)', ck.conv1d(x1, w1).reshape([3]).toArray());

// circular padding makes it circulant (5 x 5)
show('circulant M (padding 1, circular)', ck.convMatrix([1, 1, 5], w1, { padding: 1, paddingMode: 'circular' }).toArray());

// 2-d: a 3x3 input and a 2x2 kernel give a 4 x 9 doubly-block Toeplitz matrix
const w2 = f64([[[[1, 2], [3, 4]]]]);
const M2 = ck.convMatrix([1, 1, 3, 3], w2);
show('doubly-block Toeplitz M (2-d)', M2.toArray());
const x2 = f64([[[[1, 0, 2], [-1, 3, 1], [0, 2, -2]]]]);
show('M2 vec(x)', ck.mv(M2, x2.reshape([9])).toArray());
show('conv2d(x, w)', ck.conv2d(x2, w2).reshape([4]).toArray());

// the Jacobian with respect to the filter: each output row holds the input patch it saw
const Jw = ck.jacobian((w) => ck.conv2d(x2, w).reshape([4]), w2).reshape([4, 4]);
show('dy/dw (rows: outputs, columns: w00 w01 w10 w11)', Jw.toArray());

// a vector-Jacobian product: vᵀ (∂y/∂x) = vᵀ M2, computed by backpropagation
const v = f64([1, -1, 2, 0.5]);
const [, pullback] = ck.vjp((x) => ck.conv2d(x, w2).reshape([4]), x2);
show('vjp v^T dy/dx', pullback(v)[0].reshape([9]).toArray());
show('v^T M2', ck.mv(ck.t(M2), v).toArray());
