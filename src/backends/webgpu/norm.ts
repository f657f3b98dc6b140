/**
 * The normalisation primitives (ops/norm_ops.ts) on WebGPU, on the [A, G, B] view: group g holds
 * the M = A·B elements (a·G + g)·B + b. A thread per group when M ≤ 64, else a workgroup of 256
 * per group whose threads sum strided slices and combine them in a tree. Statistics take two
 * passes (the mean, then the centred sum of squares), as the reference does.
 */
import type { NormInfo } from '../../plans.js';
import { normAffineGradOp, normAffineOp, normStandardizeBackwardOp, normStandardizeOp } from '../../ops/norm_ops.js';
import { gpu } from './device.js';
import type { GpuKernel } from './kernel.js';
import { entry, float32Only, groupsFor } from './kernel.js';
import type { BufferDecl, Program } from './program.js';
import { cachedProgram, program } from './program.js';

type Kind = 'standardize' | 'standardizeBackward' | 'affineGrad';

/** Sums `expr` (of the element index j) over the group into `into`: per thread, or per workgroup with a tree. */
function groupSum(wide: boolean, expr: string, into: string): string {
  if (!wide) return `  var ${into} = 0.0;\n  for (var k = 0u; k < M; k = k + 1u) { let j = at(k); ${into} = ${into} + (${expr}); }`;
  return `  var ${into} = 0.0;
  { var a = 0.0;
    for (var k = li; k < M; k = k + 256u) { let j = at(k); a = a + (${expr}); }
    red[li] = a;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s = s >> 1u) { if (li < s) { red[li] = red[li] + red[li + s]; } workgroupBarrier(); }
    ${into} = red[0];
    workgroupBarrier(); }`;
}

function normProgram(kind: Kind, wide: boolean): Program {
  const each = (body: string): string => (wide ? `for (var k = li; k < M; k = k + 256u) { let j = at(k); ${body} }` : `for (var k = 0u; k < M; k = k + 1u) { let j = at(k); ${body} }`);
  const lead = wide ? 'li == 0u' : 'true';
  let buffers: BufferDecl[];
  let body: string;
  if (kind === 'standardize') {
    buffers = [{ name: 'xh', type: 'f32', write: true }, { name: 'mean', type: 'f32', write: true }, { name: 'vr', type: 'f32', write: true }, { name: 'rstd', type: 'f32', write: true }, { name: 'x', type: 'f32' }];
    body = `${groupSum(wide, 'x[j]', 's')}
  let m = s / f32(M);
${groupSum(wide, '(x[j] - m) * (x[j] - m)', 'ss')}
  let v = ss / f32(M);
  let r = 1.0 / sqrt(v + P.eps);
  ${each('xh[j] = (x[j] - m) * r;')}
  if (${lead}) { mean[g] = m; vr[g] = v; rstd[g] = r; }`;
  } else if (kind === 'standardizeBackward') {
    buffers = [{ name: 'o', type: 'f32', write: true }, { name: 'h', type: 'f32' }, { name: 'xh', type: 'f32' }, { name: 'rstd', type: 'f32' }];
    body = `${groupSum(wide, 'h[j]', 'sh')}
${groupSum(wide, 'h[j] * xh[j]', 'shx')}
  let mh = sh / f32(M);
  let mhx = shx / f32(M);
  let r = rstd[g];
  ${each('o[j] = r * (h[j] - mh - xh[j] * mhx);')}`;
  } else {
    buffers = [{ name: 'gw', type: 'f32', write: true }, { name: 'gb', type: 'f32', write: true }, { name: 'gy', type: 'f32' }, { name: 'x', type: 'f32' }];
    body = `${groupSum(wide, 'gy[j] * x[j]', 'sw')}
${groupSum(wide, 'gy[j]', 'sb')}
  if (${lead}) { gw[g] = sw; gb[g] = sb; }`;
  }
  return program({
    name: `norm ${kind}`,
    buffers,
    params: [
      ['A', 'u32'],
      ['G', 'u32'],
      ['B', 'u32'],
      ['eps', 'f32'],
    ],
    workgroupSize: [256],
    helpers: `${wide ? 'var<workgroup> red: array<f32, 256>;' : ''}
var<private> g: u32;
fn at(k: u32) -> u32 { return ((k / P.B) * P.G + g) * P.B + k % P.B; }`,
    body: `
  // the test reads a let (uniform in the wide form), not the private g, so barriers stay in uniform control flow
  let group = ${wide ? 'wg' : 'wg * 256u + li'};
  if (group >= P.G) { return; }
  g = group;
  let M = P.A * P.B;
${body}`,
  });
}

function groupKernel(kind: Kind): GpuKernel<NormInfo> {
  return {
    supports: float32Only,
    run: (info, outs, ins) => {
      if (info.G === 0) return;
      const wide = info.A * info.B > 64;
      const p = cachedProgram(`norm ${kind} ${wide}`, () => normProgram(kind, wide));
      const bufs = [...outs, ...ins].map((b) => b.buffer);
      gpu().dispatch(p, bufs, [info.A, info.G, info.B, info.eps ?? 0], wide ? info.G : groupsFor(info.G));
    },
  };
}

const affineProgram = program({
  name: 'normAffine',
  buffers: [{ name: 'o', type: 'f32', write: true }, { name: 'x', type: 'f32' }, { name: 'w', type: 'f32' }, { name: 'b', type: 'f32' }],
  params: [['n', 'u32'], ['G', 'u32'], ['B', 'u32']],
  workgroupSize: [256],
  body: `
  let j = wg * 256u + li;
  if (j >= P.n) { return; }
  let g = (j / P.B) % P.G;
  o[j] = x[j] * w[g] + b[g];`,
});

const normAffine: GpuKernel<NormInfo> = {
  supports: float32Only,
  run: (info, [o], [x, w, b]) => {
    const n = info.A * info.G * info.B;
    gpu().dispatch(affineProgram, [o!.buffer, x!.buffer, w!.buffer, b!.buffer], [n, info.G, info.B], groupsFor(n));
  },
};

export const webgpuNormKernels = [
  entry(normStandardizeOp, groupKernel('standardize')),
  entry(normStandardizeBackwardOp, groupKernel('standardizeBackward')),
  entry(normAffineOp, normAffine),
  entry(normAffineGradOp, groupKernel('affineGrad')),
];
