// MISSION 13: a CNN on a 3×128×128 input: 32 kernels 8×8 stride 2 padding 3, 2×2 max-pool, 64 kernels
// 3×3 stride 1 padding 1: the output sizes, the number of scalars and the parameters per layer.
import * as ck from 'convkit';

const r = ck.summarizeArchitecture('3x128x128 | conv 32 k8 s2 p3 | maxpool 2 | conv 64 k3 p1', { explain: true });
for (const row of r.rows) {
  const scalars = row.outputShape.slice(1).reduce((a, b) => a * b, 1);
  console.log(`${row.name}: output ${row.outputShape.slice(1).join('x')} = ${scalars} scalars, ${row.params} parameters`);
}
console.log(ck.formatSummary(r));
