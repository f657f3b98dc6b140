/**
 * The one tiled matrix product every heavy kernel is built on: C[b](M×N) = A[b](M×K) · B[b](K×N)
 * for `batches` independent products, where A and B are not arrays but WGSL functions
 * `loadA(bt, m, k)` / `loadB(bt, k, n)` (implicit GEMM: a convolution reads its input through
 * the im2col index maths, never materialising the column matrix) and C is written through
 * `store(bt, split, m, n, v)`.
 *
 * A workgroup of TX×TY threads computes a (4·TY)×(4·TX) tile of C, each thread a 4×4 block held
 * as four vec4 accumulators. K advances 16 at a time: the A tile (stored as vec4s of four rows)
 * and the B tile (vec4s of four columns) are staged in workgroup memory, then each thread does
 * 16 rank-1 updates acc[i] += A[row i] · B[4 columns], four vec4 FMAs per step.
 * Loads outside M, N or the K range return 0, so sizes need not be multiples of the tile.
 *
 * Split-K: with `splits` > 1, split s covers K in [s·kChunk, (s+1)·kChunk) and writes its partial
 * product; a second pass sums the splits in a fixed order (deterministic, no float atomics).
 * This is how the conv weight gradient reduces over N·spatial with enough parallelism.
 */
import type { BufferDecl, Program, Scalar } from './program.js';
import { program } from './program.js';

export const TK = 16;

/** GEMM fields every GEMM program's parameter block starts with. */
export const GEMM_PARAMS: readonly (readonly [string, Scalar])[] = [
  ['gM', 'u32'],
  ['gN', 'u32'],
  ['gK', 'u32'],
  ['kChunk', 'u32'],
  ['tilesM', 'u32'],
  ['tilesN', 'u32'],
  ['batches', 'u32'],
  ['splits', 'u32'],
];

export interface GemmShape {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batches: number;
}

/** Threads per workgroup along N (TX) and M (TY); each thread computes 4×4 outputs. */
export interface TileConfig {
  readonly tx: number;
  readonly ty: number;
}

/** A tile no taller than M needs (depthwise and per-group products have few rows), 256 threads at most. */
export function tileFor(M: number, N: number): TileConfig {
  let ty = 1;
  while (ty < 16 && ty * 4 < M) ty *= 2;
  let tx = 1;
  while (tx < 16 && tx * 4 < N) tx *= 2;
  return { tx, ty };
}

export interface GemmPlan extends GemmShape {
  readonly tile: TileConfig;
  readonly kChunk: number;
  readonly splits: number;
  readonly tilesM: number;
  readonly tilesN: number;
  /** Workgroups to dispatch. */
  readonly groups: number;
}

/**
 * Tiles and splits for a product. `splitK`: allow splitting K when the tiles alone give fewer
 * than `target` workgroups (chunks stay at least 256 long).
 */
export function planGemm(s: GemmShape, splitK = false, target = 256): GemmPlan {
  const tile = tileFor(s.M, s.N);
  const tilesM = Math.ceil(s.M / (4 * tile.ty));
  const tilesN = Math.ceil(s.N / (4 * tile.tx));
  const base = tilesM * tilesN * s.batches;
  let splits = 1;
  if (splitK && base > 0) splits = Math.max(1, Math.min(64, Math.ceil(target / base), Math.floor(s.K / 256)));
  // whole tiles of K per split, so only the last split has a ragged end
  const kChunk = splits > 1 ? Math.ceil(Math.ceil(s.K / splits) / TK) * TK : Math.max(s.K, 1);
  splits = s.K > 0 ? Math.ceil(s.K / kChunk) : 1;
  return { ...s, tile, kChunk, splits, tilesM, tilesN, groups: base * splits };
}

/** The GEMM part of a parameter block, in GEMM_PARAMS order. */
export function gemmParams(g: GemmPlan): number[] {
  return [g.M, g.N, g.K, g.kChunk, g.tilesM, g.tilesN, g.batches, g.splits];
}

export interface GemmSource {
  readonly name: string;
  readonly buffers: readonly BufferDecl[];
  /** Fields after GEMM_PARAMS. */
  readonly params: readonly (readonly [string, Scalar])[];
  /**
   * WGSL defining `fn loadA(bt: u32, m: u32, k: u32) -> f32`, `fn loadB(bt: u32, k: u32, n: u32) -> f32`
   * (called only with m < gM, n < gN, k < gK) and `fn store(bt: u32, split: u32, m: u32, n: u32, v: f32)`.
   */
  readonly functions: string;
}

export function gemmProgram(src: GemmSource, tile: TileConfig): Program {
  const { tx, ty } = tile;
  const threads = tx * ty;
  const rows = ['x', 'y', 'z', 'w'];
  const fmas = rows.map((r, i) => `      acc[${i}] = fma(vec4<f32>(av.${r}), bv, acc[${i}]);`).join('\n');
  const helpers = `
const TX: u32 = ${tx}u;
const TY: u32 = ${ty}u;
const TK: u32 = ${TK}u;
const THREADS: u32 = ${threads}u;
var<workgroup> As: array<vec4<f32>, ${TK * ty}>;
var<workgroup> Bs: array<vec4<f32>, ${TK * tx}>;
${src.functions}
fn tileA(bt: u32, m: u32, k: u32, kEnd: u32) -> f32 {
  if (m < P.gM && k < kEnd) { return loadA(bt, m, k); }
  return 0.0;
}
fn tileB(bt: u32, k: u32, n: u32, kEnd: u32) -> f32 {
  if (n < P.gN && k < kEnd) { return loadB(bt, k, n); }
  return 0.0;
}`;
  const body = `
  if (wg >= P.tilesN * P.tilesM * P.batches * P.splits) { return; }
  let tn = wg % P.tilesN;
  var rest = wg / P.tilesN;
  let tm = rest % P.tilesM;
  rest = rest / P.tilesM;
  let bt = rest % P.batches;
  let split = rest / P.batches;
  let m0 = tm * TY * 4u;
  let n0 = tn * TX * 4u;
  let kBegin = split * P.kChunk;
  let kEnd = min(P.gK, kBegin + P.kChunk);
  let tx = li % TX;
  let ty = li / TX;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = kBegin; k0 < kEnd; k0 = k0 + TK) {
    for (var e = li; e < TK * TY; e = e + THREADS) {
      let k = k0 + e % TK;
      let m = m0 + (e / TK) * 4u;
      As[(e % TK) * TY + e / TK] = vec4<f32>(tileA(bt, m, k, kEnd), tileA(bt, m + 1u, k, kEnd), tileA(bt, m + 2u, k, kEnd), tileA(bt, m + 3u, k, kEnd));
    }
    for (var e = li; e < TK * TX; e = e + THREADS) {
      let k = k0 + e / TX;
      let n = n0 + (e % TX) * 4u;
      Bs[e] = vec4<f32>(tileB(bt, k, n, kEnd), tileB(bt, k, n + 1u, kEnd), tileB(bt, k, n + 2u, kEnd), tileB(bt, k, n + 3u, kEnd));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk = kk + 1u) {
      let av = As[kk * TY + ty];
      let bv = Bs[kk * TX + tx];
${fmas}
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i = i + 1u) {
    let m = m0 + ty * 4u + i;
    if (m >= P.gM) { break; }
    for (var j = 0u; j < 4u; j = j + 1u) {
      let n = n0 + tx * 4u + j;
      if (n < P.gN) { store(bt, split, m, n, acc[i][j]); }
    }
  }`;
  return program({
    name: src.name,
    buffers: src.buffers,
    params: [...GEMM_PARAMS, ...src.params],
    workgroupSize: [tx, ty],
    helpers,
    body,
  });
}

/** out[i] = Σ_s part[s·n + i] for i < n, summing the splits in order. */
export const splitSum = program({
  name: 'split-K sum',
  buffers: [
    { name: 'out', type: 'f32', write: true },
    { name: 'part', type: 'f32' },
  ],
  params: [
    ['n', 'u32'],
    ['splits', 'u32'],
  ],
  workgroupSize: [256],
  body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
  var s = 0.0;
  for (var k = 0u; k < P.splits; k = k + 1u) { s = s + part[k * P.n + i]; }
  out[i] = s;`,
});
