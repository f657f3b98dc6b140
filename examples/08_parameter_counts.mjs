// MISSION 8: parameter counts, output shapes and multiplications, with the working.
import * as ck from 'convkit';

const rowOf = (arch) => ck.summarizeArchitecture(arch, { explain: true });
const print = (title, r) => {
  console.log(`-- ${title}`);
  for (const row of r.rows) {
    console.log(`${row.name}: output ${JSON.stringify(row.outputShape.slice(1))}, params ${row.params}, MACs ${row.macs}`);
    for (const e of row.explain) if (['params', 'MACs', 'H_out', 'W_out'].includes(e.quantity)) console.log(`    ${e.text}`);
  }
};
// 96 filters of 5×5×3 with bias (the input size does not change the count)
print('96 filters 5x5x3 with bias', rowOf('3x227x227 | conv 96 k5 s4'));
// a fully connected layer from 4×4×256 to 4×4×256 values
print('fully connected 4x4x256 -> 4x4x256', rowOf('4096 | fc 4096'));
// a conv layer with kernel (3, 3, 10, 20) (h, w, in, out) on a (48, 64, 10) input (h, w, c), valid, stride 1
print('kernel (3,3,10,20) on a (48,64,10) input', rowOf('10x48x64 | conv 20 k3'));
