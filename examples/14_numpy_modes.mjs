// MISSION 14: full, valid and same convolution of [1,2,3,4] with [1,0,2] (the kernel flipped), with
// numpy's semantics, each sum written out.
import * as ck from 'convkit';

const x = [1, 2, 3, 4];
const k = [1, 0, 2];
for (const mode of ['full', 'valid', 'same']) {
  const y = ck.convolve(ck.tensor(x, { dtype: 'float64' }), ck.tensor(k, { dtype: 'float64' }), mode);
  console.log(`np.convolve(x, k, '${mode}') = ${JSON.stringify(y.toArray())}`);
  const e = ck.explainConv(x, k, { mode, flip: true });
  for (const t of e.terms) console.log(`    ${t.text}`);
}
