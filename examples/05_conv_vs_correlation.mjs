// MISSION 5: true convolution (kernel flipped) versus cross-correlation; shift equivariance; the
// output length n − k + 1 of a valid convolution.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const f64 = (v) => ck.tensor(v, { dtype: 'float64' });
const x = f64([1, 2, 3, 4, 5, 6]);
const k = f64([1, 2, -1]);

// numpy semantics: convolve flips the kernel, correlate does not
const conv = ck.convolve(x, k, 'valid');
const corr = ck.correlate(x, k, 'valid');
show('convolve(x, k, valid)', conv.toArray());
show('correlate(x, k, valid)', corr.toArray());
show('correlate(x, flip(k), valid)', ck.correlate(x, ck.flip(k, [0]), 'valid').toArray());
const num = (v) => (v < 0 ? `(${v})` : String(v));
const sum = (idx) => idx.map(([i, j]) => `${num(x.data[i])}·${num(k.data[j])}`).join(' + ');
console.log(`conv[0] = x[0]·k[2] + x[1]·k[1] + x[2]·k[0] = ${sum([[0, 2], [1, 1], [2, 0]])} = ${conv.data[0]}`);
console.log(`corr[0] = x[0]·k[0] + x[1]·k[1] + x[2]·k[2] = ${sum([[0, 0], [1, 1], [2, 2]])} = ${corr.data[0]}`);
console.log(`valid length = n - k + 1 = 6 - 3 + 1 = ${conv.shape[0]}`);

// shift equivariance: shifting the input by one shifts the (full) output by one
const shifted = f64([0, 1, 2, 3, 4, 5, 6]);
show('convolve(x, k, full)', ck.convolve(x, k, 'full').toArray());
show('convolve(shift(x), k, full)', ck.convolve(shifted, k, 'full').toArray());
// the same through conv1d, the deep-learning layer (a cross-correlation)
show('conv1d(x, k)', ck.conv1d(x.reshape([1, 1, 6]), k.reshape([1, 1, 3])).reshape([4]).toArray());
