// MISSION 2: output sizes of convolutions and pools, floor((in + 2p - d(k-1) - 1)/s + 1), 1-d to 3-d.
import * as ck from 'convkit';

// a 10-wide × 11-high input with a 3×3 kernel at stride 2
const y = ck.conv2d(ck.zeros([1, 1, 11, 10]), ck.zeros([1, 1, 3, 3]), null, { stride: 2 });
console.log(`H_out = ${ck.convOutFormula(11, 3, 2, 0, 0, 1)}`);
console.log(`W_out = ${ck.convOutFormula(10, 3, 2, 0, 0, 1)}`);
console.log(`conv2d output shape = ${JSON.stringify(y.shape)}`);

// more layers: [rank, input shape (N, C, spatial...), kernel, stride, padding, dilation]
const cases = [
  [2, [1, 1, 11, 10], 3, 2, 1, 1],
  [2, [1, 1, 28, 28], 5, 1, 2, 1],
  [2, [1, 1, 32, 17], 3, 3, 1, 2],
  [1, [1, 1, 10], 3, 2, 0, 1],
  [1, [1, 1, 100], 7, 3, 2, 2],
  [3, [1, 1, 9, 10, 11], 3, 2, 0, 1],
  [3, [1, 1, 16, 16, 16], 5, 2, 2, 1],
];
for (const [r, shape, k, s, p, d] of cases) {
  const conv = [ck.conv1d, ck.conv2d, ck.conv3d][r - 1];
  const out = conv(ck.zeros(shape), ck.zeros([1, 1, ...new Array(r).fill(k)]), null, { stride: s, padding: p, dilation: d });
  const formulas = shape.slice(2).map((n) => ck.convOutFormula(n, k, s, p, p, d));
  console.log(`conv${r}d input ${JSON.stringify(shape)} k${k} s${s} p${p} d${d} -> ${JSON.stringify(out.shape)}   [${formulas.join('; ')}]`);
}
// max pools, floor and ceil mode
for (const [shape, k, s, p, ceil] of [[[1, 1, 11, 10], 2, 2, 0, false], [[1, 1, 11, 10], 3, 2, 1, true], [[1, 1, 5, 5], 2, 2, 0, true]]) {
  const out = ck.maxPool2d(ck.zeros(shape), k, { stride: s, padding: p, ceilMode: ceil });
  const formulas = shape.slice(2).map((n) => ck.convOutFormula(n, k, s, p, p, 1, ceil));
  console.log(`maxPool2d input ${JSON.stringify(shape)} k${k} s${s} p${p} ceil=${ceil} -> ${JSON.stringify(out.shape)}   [${formulas.join('; ')}]`);
}
