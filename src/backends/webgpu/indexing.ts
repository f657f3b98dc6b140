/**
 * Index ops on WebGPU (int32 indices, validated by the shape rules on the host): a thread per
 * output element. The two adjoints gather instead of scattering: an element of indexSelect's
 * backward sums the gradient slices whose index is its position; an element of scatterAdd adds, to
 * its input value, the src values whose index (at the same other coordinates) is its position,
 * in the reference's order (ascending position in the index tensor).
 */
import type { GatherInfo, IndexSelectInfo } from '../../plans.js';
import type { DType } from '../../dtype.js';
import { gatherOp, indexSelectBackwardOp, indexSelectOp, scatterAddOp } from '../../ops/movement_index.js';
import { stridesFor } from '../reference/movement_engine.js';
import { gpu } from './device.js';
import type { GpuEntry, GpuKernel } from './kernel.js';
import { entry, groupsFor } from './kernel.js';
import { elemOf } from './map.js';
import type { Elem, Program, Scalar } from './program.js';
import { cachedProgram, program } from './program.js';

const cached = (key: string, make: () => Program): Program => cachedProgram(`indexing ${key}`, make);

const onGpu = (_i: unknown, dtypes: readonly DType[]): boolean => dtypes.every((d) => d !== 'float64');
const SELECT_PARAMS: (readonly [string, Scalar])[] = [['n', 'u32'], ['D', 'u32'], ['J', 'u32'], ['inner', 'u32']];

/** out[a, j, b] = x[a, index[j], b]. */
const selectProgram = (t: Elem): Program =>
  cached(`indexSelect ${t}`, () =>
    program({
      name: 'indexSelect',
      buffers: [{ name: 'out', type: t, write: true }, { name: 'x', type: t }, { name: 'ix', type: 'i32' }],
      params: SELECT_PARAMS,
      workgroupSize: [256],
      body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
  let b = i % P.inner;
  let j = (i / P.inner) % P.J;
  let a = i / (P.inner * P.J);
  out[i] = x[(a * P.D + u32(ix[j])) * P.inner + b];`,
    }),
  );

/** out[a, d, b] = Σ_{j : index[j] = d} g[a, j, b]. */
const selectBackwardProgram = program({
  name: 'indexSelectBackward',
  buffers: [{ name: 'out', type: 'f32', write: true }, { name: 'g', type: 'f32' }, { name: 'ix', type: 'i32' }],
  params: SELECT_PARAMS,
  workgroupSize: [256],
  body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
  let b = i % P.inner;
  let d = (i / P.inner) % P.D;
  let a = i / (P.inner * P.D);
  var acc = 0.0;
  for (var j = 0u; j < P.J; j = j + 1u) { if (u32(ix[j]) == d) { acc = acc + g[(a * P.J + j) * P.inner + b]; } }
  out[i] = acc;`,
});

function selectValues(info: IndexSelectInfo, n: number): number[] {
  const inner = info.inShape.slice(info.dim + 1).reduce((p, s) => p * s, 1);
  return [n, info.inShape[info.dim]!, info.outShape[info.dim]!, inner];
}

const indexSelect: GpuKernel<IndexSelectInfo> = {
  supports: onGpu,
  run: (info, [out], [x, ix]) => {
    const n = out!.n;
    gpu().dispatch(selectProgram(elemOf(x!.dtype)), [out!.buffer, x!.buffer, ix!.buffer], selectValues(info, n), groupsFor(n));
  },
};

const indexSelectBackward: GpuKernel<IndexSelectInfo> = {
  supports: (i, dtypes) => dtypes[0] === 'float32',
  run: (info, [out], [g, ix]) => {
    const n = out!.n;
    gpu().dispatch(selectBackwardProgram, [out!.buffer, g!.buffer, ix!.buffer], selectValues(info, n), groupsFor(n));
  },
};

/**
 * gather: out[p] = x[p with coordinate dim replaced by index[p]] (p over the index's shape);
 * scatterAdd: out[e] = x[e] + Σ_{q < indexShape[dim]} [index[e with dim = q] = e_dim]·src[e with dim = q]
 * for the e whose other coordinates lie inside the index's shape.
 */
function gatherProgram(r: number, t: Elem, scatter: boolean): Program {
  return cached(`gather ${r} ${t} ${scatter}`, () => {
    const params: (readonly [string, Scalar])[] = [['n', 'u32'], ['dim', 'u32']];
    for (let d = 0; d < r; d++) params.push([`I${d}`, 'u32'], [`S${d}`, 'u32'], [`is${d}`, 'u32'], [`ss${d}`, 'u32'], [`rs${d}`, 'u32']);
    const lines = ['  var rem = i;'];
    // coordinates of this thread's element over the index shape (gather) or self's shape (scatterAdd)
    for (let d = r - 1; d >= 0; d--) lines.push(`  let c${d} = rem % P.${scatter ? 'S' : 'I'}${d}; rem = rem / P.${scatter ? 'S' : 'I'}${d};`);
    const sum = (f: (d: number) => string): string => (r === 0 ? '0u' : Array.from({ length: r }, (_, d) => f(d)).join(' + '));
    // offset over strides `st` of this element's coordinates with coordinate dim replaced by q
    const at = (q: string, st: string): string => sum((d) => `select(c${d}, ${q}, ${d}u == P.dim) * P.${st}${d}`);
    if (!scatter) {
      lines.push('  out[i] = x[' + at('u32(ix[i])', 'ss') + '];');
    } else {
      const pick = (f: (d: number) => string): string => (r === 0 ? '0u' : `(${Array.from({ length: r }, (_, d) => `select(0u, ${f(d)}, ${d}u == P.dim)`).join(' + ')})`);
      lines.push(
        '  var acc = x[i];',
        '  var inside = true;',
        ...Array.from({ length: r }, (_, d) => `  if (${d}u != P.dim && c${d} >= P.I${d}) { inside = false; }`),
        '  if (inside) {',
        `    for (var q = 0u; q < ${r === 0 ? '1u' : pick((d) => `P.I${d}`)}; q = q + 1u) {`,
        `      if (u32(ix[${at('q', 'is')}]) == ${pick((d) => `c${d}`)}) { acc = acc + src[${at('q', 'rs')}]; }`,
        '    }',
        '  }',
        '  out[i] = acc;',
      );
    }
    const body = lines.join('\n');
    return program({
      name: scatter ? 'scatterAdd' : 'gather',
      buffers: [{ name: 'out', type: t, write: true }, { name: 'x', type: t }, { name: 'ix', type: 'i32' }, ...(scatter ? [{ name: 'src', type: t }] : [])],
      params,
      workgroupSize: [256],
      body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
${body}`,
    });
  });
}

function gatherKernel(scatter: boolean): GpuKernel<GatherInfo> {
  return {
    supports: onGpu,
    run: (info, [out], ins) => {
      const r = info.selfShape.length;
      const n = out!.n;
      const is = stridesFor(info.indexShape);
      const ss = stridesFor(info.selfShape);
      const rs = stridesFor(info.srcShape);
      const dims = Array.from({ length: r }, (_, d) => [info.indexShape[d]!, info.selfShape[d]!, is[d]!, ss[d]!, rs[d]!]).flat();
      gpu().dispatch(gatherProgram(r, elemOf(out!.dtype), scatter), [out!.buffer, ...ins.map((b) => b.buffer)], [n, info.dim, ...dims], groupsFor(n));
    },
  };
}

export const webgpuIndexKernels: GpuEntry[] = [
  entry(indexSelectOp, indexSelect),
  entry(indexSelectBackwardOp, indexSelectBackward),
  entry(gatherOp, gatherKernel(false)),
  entry(scatterAddOp, gatherKernel(true)),
];
