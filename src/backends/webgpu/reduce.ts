/**
 * Reductions on WebGPU: sum, mean, amax/amin, argmax/argmin, max/min along a dimension (values
 * and indices), var/std (two passes: the mean, then squared deviations) and logsumexp (the
 * maximum, then Σ exp(x − max)).
 *
 * The input's dimensions split into kept ones (indexing the output, row-major) and reduced ones
 * (indexing a group, row-major: a group position is the index along a single reduced dimension,
 * the flat index for a full reduction), each list coalesced. Small groups (≤ 64) take one thread
 * per output; larger ones a workgroup per output: 256 threads accumulate strided slices, then a
 * tree in workgroup memory combines them. Extrema carry (value, position) pairs and prefer a NaN,
 * then the larger (smaller) value, then the earlier position, so any combination order gives the
 * reference's answer: the first NaN, else the first extreme element.
 */
import type { CumsumInfo, ProdOthersInfo, ReduceInfo, VarInfo, VectorNormInfo } from '../../plans.js';
import type { DType } from '../../dtype.js';
import { meanOp, sumOp } from '../../ops/reduce.js';
import { amaxOp, aminOp, argmaxOp, argminOp, maxDimOp, minDimOp } from '../../ops/reduce_minmax.js';
import { logsumexpOp, normOp, stdOp, varOp } from '../../ops/reduce_stats.js';
import { cumsumOp, prodOp, prodOthersOp } from '../../ops/reduce_prod.js';
import { gpu } from './device.js';
import type { GpuBuf } from './runtime.js';
import type { Program, Scalar } from './program.js';
import { cachedProgram, program } from './program.js';
import type { GpuKernel } from './kernel.js';
import { entry, float32Only, groupsFor } from './kernel.js';
import { stridesFor } from '../reference/movement_engine.js';
import { WGSL_MATH } from './wgsl_math.js';

/** (size, stride) runs of the kept and of the reduced dimensions, coalesced. */
interface Split {
  readonly kept: [number, number][];
  readonly red: [number, number][];
}

function merge(dims: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [n, s] of dims) {
    if (n === 1) continue;
    const last = out[out.length - 1];
    if (last && last[1] === s * n) {
      last[0] *= n;
      last[1] = s;
    } else out.push([n, s]);
  }
  return out;
}

function split(info: { inShape: readonly number[]; dims: readonly number[] }): Split {
  const st = stridesFor(info.inShape);
  const kept: [number, number][] = [];
  const red: [number, number][] = [];
  info.inShape.forEach((n, d) => (info.dims.includes(d) ? red : kept).push([n, st[d]!]));
  return { kept: merge(kept), red: merge(red) };
}

/** WGSL for `offsetOf{K|R}(i)`: the input offset of index i over one coalesced list. */
function offsetFn(name: string, prefix: string, rank: number): string {
  const lines = [`fn ${name}(i: u32) -> u32 {`, '  var rem = i;', '  var off = 0u;'];
  for (let d = rank - 1; d >= 0; d--) lines.push(`  off = off + (rem % P.${prefix}n${d}) * P.${prefix}s${d}; rem = rem / P.${prefix}n${d};`);
  lines.push('  return off;', '}');
  return lines.join('\n');
}

type Kind = 'sum' | 'mean' | 'max' | 'min' | 'var' | 'std' | 'lse' | 'prod' | NormKind;
/** Vector norms by p: 2 (scaled by the largest |x|, as the reference), ±∞, 0 (count of non-zeros), 1, any other p. */
type NormKind = 'norm2' | 'normInf' | 'normNegInf' | 'norm0' | 'norm1' | 'normP';

/**
 * The state one thread accumulates and how two states combine. For extrema the state is a value
 * and a position; for the others a float.
 */
function kernelCode(kind: Kind, wide: boolean, outputs: { vals: boolean; idx: boolean }): string {
  const arg = kind === 'max' || kind === 'min';
  const cmp = kind === 'min' ? '<' : '>';
  // the reduction, by `comb` from `init`, over the group of output o of a per-element expression of v,
  // by one thread or by a workgroup (strided partial results, then a tree)
  const reduceBy = (expr: string, into: string, init: string, comb: (a: string, b: string) => string): string =>
    wide
      ? `  { var a = ${init};
    for (var k = li; k < P.G; k = k + 256u) { let v = x[base + offsetOfR(k)]; a = ${comb('a', `(${expr})`)}; }
    red[li] = a;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s = s >> 1u) { if (li < s) { red[li] = ${comb('red[li]', 'red[li + s]')}; } workgroupBarrier(); }
    ${into} = red[0];
    workgroupBarrier(); }`
      : `  { var a = ${init};
    for (var k = 0u; k < P.G; k = k + 1u) { let v = x[base + offsetOfR(k)]; a = ${comb('a', `(${expr})`)}; }
    ${into} = a; }`;
  const plus = (a: string, b: string): string => `${a} + ${b}`;
  const reduceSum = (expr: string, into: string): string => reduceBy(expr, into, '0.0', plus);
  const head = wide ? '  let o = wg;\n  if (o >= P.nOut) { return; }' : '  let o = wg * 256u + li;\n  if (o >= P.nOut) { return; }';
  const lines = [head, '  let base = offsetOfK(o);'];
  if (arg) {
    const better = `fn better(v1: f32, i1: u32, v2: f32, i2: u32) -> bool {
  let n1 = isnan_(v1);
  let n2 = isnan_(v2);
  if (n1 != n2) { return n1; }
  if (!n1 && v1 != v2) { return v1 ${cmp} v2; }
  return i1 < i2;
}`;
    const store = [outputs.vals ? '  vals[o] = bv;' : '', outputs.idx ? '  idx[o] = i32(bi);' : ''].join('\n');
    if (wide) {
      lines.push(`  var bv = 0.0;
  var bi = 0xffffffffu;
  for (var k = li; k < P.G; k = k + 256u) {
    let v = x[base + offsetOfR(k)];
    if (bi == 0xffffffffu || better(v, k, bv, bi)) { bv = v; bi = k; }
  }
  red[li] = bv;
  redI[li] = bi;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (li < s && redI[li + s] != 0xffffffffu && (redI[li] == 0xffffffffu || better(red[li + s], redI[li + s], red[li], redI[li]))) {
      red[li] = red[li + s];
      redI[li] = redI[li + s];
    }
    workgroupBarrier();
  }
  if (li != 0u) { return; }
  bv = red[0];
  bi = redI[0];
${store}`);
    } else {
      lines.push(`  var bv = x[base + offsetOfR(0u)];
  var bi = 0u;
  for (var k = 1u; k < P.G; k = k + 1u) {
    let v = x[base + offsetOfR(k)];
    if (better(v, k, bv, bi)) { bv = v; bi = k; }
  }
${store}`);
    }
    return `${better}\n@@${lines.join('\n')}`;
  }
  lines.push('  var r = 0.0;');
  if (kind === 'sum' || kind === 'mean') {
    lines.push(reduceSum('v', 'r'));
    if (kind === 'mean') lines.push('  r = select(r / f32(P.G), nan_(), P.G == 0u);');
  } else if (kind === 'var' || kind === 'std') {
    lines.push('  var m = 0.0;', reduceSum('v', 'm'), '  m = m / f32(P.G);', reduceSum('(v - m) * (v - m)', 'r'));
    // ss / dof with IEEE division by zero (0/0 NaN, x/0 inf), decided here
    lines.push('  r = select(r / P.arg, select(inf_(), nan_(), r == 0.0 || isnan_(r)), P.arg == 0.0);');
    if (kind === 'std') lines.push('  r = sqrt(r);');
  } else if (kind === 'prod') {
    lines.push(reduceBy('v', 'r', '1.0', (a, b) => `${a} * ${b}`));
  } else if (kind === 'norm2') {
    // scaled by the largest |x| so that squares neither overflow nor underflow (a NaN wins the max)
    lines.push('  var m = 0.0;', reduceBy('abs(v)', 'm', '0.0', (a, b) => `maxNan_(${a}, ${b})`));
    lines.push(reduceSum('(v / m) * (v / m)', 'r'), '  r = select(m * sqrt(r), m, m == 0.0 || isnan_(m) || isinf_(m));');
  } else if (kind === 'normInf' || kind === 'normNegInf') {
    const [init, f] = kind === 'normInf' ? ['0.0', 'maxNan_'] : ['inf_()', 'minNan_'];
    lines.push(reduceBy('abs(v)', 'r', init, (a, b) => `${f}(${a}, ${b})`));
  } else if (kind === 'norm0') {
    lines.push(reduceSum('select(0.0, 1.0, v != 0.0 || isnan_(v))', 'r'));
  } else if (kind === 'norm1') {
    lines.push(reduceSum('abs(v)', 'r'));
  } else if (kind === 'normP') {
    lines.push(reduceSum('pow_(abs(v), P.arg)', 'r'), '  r = pow_(r, 1.0 / P.arg);');
  } else {
    // logsumexp: the maximum ignoring NaN (0 when infinite), then m + log Σ exp(x − m)
    const maxOf = wide
      ? `  { var a = -inf_();
    for (var k = li; k < P.G; k = k + 256u) { let v = x[base + offsetOfR(k)]; if (v > a) { a = v; } }
    red[li] = a;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s = s >> 1u) { if (li < s && red[li + s] > red[li]) { red[li] = red[li + s]; } workgroupBarrier(); }
    m = red[0];
    workgroupBarrier(); }`
      : `  { var a = -inf_();
    for (var k = 0u; k < P.G; k = k + 1u) { let v = x[base + offsetOfR(k)]; if (v > a) { a = v; } }
    m = a; }`;
    lines.push('  var m = 0.0;', maxOf, '  if (isinf_(m)) { m = 0.0; }', reduceSum('exp_(v - m)', 'r'), '  r = log_(r) + m;');
  }
  if (wide) lines.push('  if (li != 0u) { return; }');
  lines.push('  vals[o] = r;');
  return `@@${lines.join('\n')}`;
}

/** nOut groups of G; arg: var/std's divisor (dof), or a norm's p; then the kept and reduced runs. */
function splitParams(keptRank: number, redRank: number): (readonly [string, Scalar])[] {
  const params: (readonly [string, Scalar])[] = [['nOut', 'u32'], ['G', 'u32'], ['arg', 'f32']];
  for (let d = 0; d < keptRank; d++) params.push([`Kn${d}`, 'u32'], [`Ks${d}`, 'u32']);
  for (let d = 0; d < redRank; d++) params.push([`Rn${d}`, 'u32'], [`Rs${d}`, 'u32']);
  return params;
}

function reduceProgram(kind: Kind, keptRank: number, redRank: number, wide: boolean, outputs: { vals: boolean; idx: boolean }): Program {
  const key = `reduce ${kind} ${keptRank} ${redRank} ${wide} ${outputs.vals} ${outputs.idx}`;
  return cachedProgram(key, () => makeReduceProgram(kind, keptRank, redRank, wide, outputs));
}

function makeReduceProgram(kind: Kind, keptRank: number, redRank: number, wide: boolean, outputs: { vals: boolean; idx: boolean }): Program {
  const params = splitParams(keptRank, redRank);
  const [fns, body] = kernelCode(kind, wide, outputs).split('@@') as [string, string];
  const buffers = [
    ...(outputs.vals ? [{ name: 'vals', type: 'f32' as const, write: true }] : []),
    ...(outputs.idx ? [{ name: 'idx', type: 'i32' as const, write: true }] : []),
    { name: 'x', type: 'f32' as const },
  ];
  return program({
    name: kind,
    buffers,
    params,
    workgroupSize: [256],
    helpers: `${WGSL_MATH}
${wide ? 'var<workgroup> red: array<f32, 256>;\nvar<workgroup> redI: array<u32, 256>;' : ''}
${offsetFn('offsetOfK', 'K', keptRank)}
${offsetFn('offsetOfR', 'R', redRank)}
${fns}`,
    body,
  });
}

function runReduce(kind: Kind, info: ReduceInfo, outs: { vals?: GpuBuf; idx?: GpuBuf }, x: GpuBuf, arg = 0): void {
  const s = split(info);
  const nOut = info.outShapes[0]!.reduce((p, d) => p * d, 1);
  if (nOut === 0) return;
  const wide = info.groupSize > 64;
  const flags = { vals: outs.vals !== undefined, idx: outs.idx !== undefined };
  const values = [nOut, info.groupSize, arg, ...s.kept.flat(), ...s.red.flat()];
  const bufs = [...(outs.vals ? [outs.vals.buffer] : []), ...(outs.idx ? [outs.idx.buffer] : []), x.buffer];
  gpu().dispatch(reduceProgram(kind, s.kept.length, s.red.length, wide, flags), bufs, values, wide ? nOut : groupsFor(nOut));
}

/** Extrema of empty groups are left to the reference (there is no element to pick). */
const nonEmpty = (info: ReduceInfo, dtypes: readonly DType[]): boolean => float32Only(info, dtypes) && info.groupSize > 0;
const simple = (kind: Kind): GpuKernel<ReduceInfo> => ({ supports: float32Only, run: (info, [o], [x]) => runReduce(kind, info, { vals: o! }, x!) });
const stats = (kind: Kind): GpuKernel<VarInfo> => ({ supports: float32Only, run: (info, [o], [x]) => runReduce(kind, info, { vals: o! }, x!, info.dof) });

/** Running sums along a dimension: a thread per (outer, inner) fibre, in order (reversed on request). */
const cumsumProgram = program({
  name: 'cumsum',
  buffers: [{ name: 'o', type: 'f32', write: true }, { name: 'x', type: 'f32' }],
  params: [['outer', 'u32'], ['n', 'u32'], ['inner', 'u32'], ['reverse', 'u32']],
  workgroupSize: [256],
  body: `
  let f = wg * 256u + li;
  if (f >= P.outer * P.inner) { return; }
  let start = (f / P.inner) * P.n * P.inner + f % P.inner;
  var acc = 0.0;
  for (var t = 0u; t < P.n; t = t + 1u) {
    let off = start + select(t, P.n - 1u - t, P.reverse == 1u) * P.inner;
    acc = acc + x[off];
    o[off] = acc;
  }`,
});

const cumsum: GpuKernel<CumsumInfo> = {
  supports: float32Only,
  run: (info, [o], [x]) => {
    const fibres = info.outer * info.inner;
    gpu().dispatch(cumsumProgram, [o!.buffer, x!.buffer], [info.outer, info.n, info.inner, info.reverse ? 1 : 0], groupsFor(fibres));
  },
};

/**
 * prodOthers without directions (prod's first derivative): for element j of each group, the
 * product of the others, Π_{k<j} x_k · Π_{k>j} x_k, each factor in the reference's order. A thread
 * per element.
 */
function prodOthersProgram(keptRank: number, redRank: number): Program {
  return cachedProgram(`reduce prodOthers ${keptRank} ${redRank}`, () =>
    program({
      name: 'prodOthers',
      buffers: [{ name: 'vals', type: 'f32', write: true }, { name: 'x', type: 'f32' }],
      params: splitParams(keptRank, redRank),
      workgroupSize: [256],
      helpers: `${offsetFn('offsetOfK', 'K', keptRank)}\n${offsetFn('offsetOfR', 'R', redRank)}`,
      body: `
  let t = wg * 256u + li;
  if (t >= P.nOut * P.G) { return; }
  let j = t % P.G;
  let base = offsetOfK(t / P.G);
  var pre = 1.0;
  for (var k = 0u; k < j; k = k + 1u) { pre = pre * x[base + offsetOfR(k)]; }
  var suf = 1.0;
  for (var k = P.G; k > j + 1u; k = k - 1u) { suf = suf * x[base + offsetOfR(k - 1u)]; }
  vals[base + offsetOfR(j)] = pre * suf;`,
    }),
  );
}

const prodOthers: GpuKernel<ProdOthersInfo> = {
  // higher derivatives (directions) run the reference's polynomial algorithm only
  supports: (info, dtypes) => float32Only(info, dtypes) && info.m === 0,
  run: (info, [o], [x]) => {
    const s = split(info);
    const G = s.red.reduce((p, [n]) => p * n, 1);
    const total = info.inShape.reduce((p, d) => p * d, 1);
    if (total === 0) return;
    const values = [total / G, G, 0, ...s.kept.flat(), ...s.red.flat()];
    gpu().dispatch(prodOthersProgram(s.kept.length, s.red.length), [o!.buffer, x!.buffer], values, groupsFor(total));
  },
};

const normKind = (p: number): NormKind => (p === 2 ? 'norm2' : p === Infinity ? 'normInf' : p === -Infinity ? 'normNegInf' : p === 0 ? 'norm0' : p === 1 ? 'norm1' : 'normP');

export const webgpuReduceKernels = [
  entry(prodOp, simple('prod')),
  entry(prodOthersOp, prodOthers),
  entry(normOp, { supports: float32Only, run: (info: VectorNormInfo, [o], [x]) => runReduce(normKind(info.p), info, { vals: o! }, x!, info.p) }),
  entry(cumsumOp, cumsum),
  entry(sumOp, simple('sum')),
  entry(meanOp, simple('mean')),
  entry(amaxOp, { ...simple('max'), supports: nonEmpty }),
  entry(aminOp, { ...simple('min'), supports: nonEmpty }),
  entry(argmaxOp, { supports: nonEmpty, run: (info, [i], [x]) => runReduce('max', info, { idx: i! }, x!) }),
  entry(argminOp, { supports: nonEmpty, run: (info, [i], [x]) => runReduce('min', info, { idx: i! }, x!) }),
  entry(maxDimOp, { supports: nonEmpty, run: (info, [v, i], [x]) => runReduce('max', info, { vals: v!, idx: i! }, x!) }),
  entry(minDimOp, { supports: nonEmpty, run: (info, [v, i], [x]) => runReduce('min', info, { vals: v!, idx: i! }, x!) }),
  entry(varOp, stats('var')),
  entry(stdOp, stats('std')),
  entry(logsumexpOp, simple('lse')),
];
