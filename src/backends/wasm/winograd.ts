/**
 * Winograd F(2×2, 3×3) convolutions on the wasm module (assembly/winograd.ts): 16 products per
 * 2×2 output tile and channel pair instead of 36, for 3×3 stride-1 undilated 2-d convolutions with
 * one group — the forward pass, and the input gradient seen as the forward convolution of the
 * output gradient with the transposed, rotated kernel. The transformed weights are cached with
 * the weight block (heap.derived) until the weights are written.
 */
import type { ConvPlan } from '../../plans.js';
import type { Block } from './heap.js';
import { heap } from './heap.js';
import { parallel } from './pool.js';
import { JOB } from './runtime.js';
import { WINO, winoScratch } from './abi.js';
import { Scratch } from './scratch.js';

const up4 = (n: number): number => (n + 3) & ~3;
const up8 = (n: number): number => (n + 7) & ~7;

/**
 * Whether the plan is one the Winograd kernel computes, and where it should: channel counts large
 * enough for its 16 GEMMs (K = Cin) to run near the GEMM's speed, and outputs of at least a tile.
 */
export function winogradApplies(p: ConvPlan): boolean {
  return (
    winogradOptions.enabled &&
    p.direct &&
    p.groups === 1 &&
    p.K[1] === 3 &&
    p.K[2] === 3 &&
    p.dilation[1] === 1 &&
    p.dilation[2] === 1 &&
    p.Cin >= winogradOptions.minChannels &&
    p.Cout >= winogradOptions.minChannels &&
    p.O[1]! >= 2 &&
    p.O[2]! >= 2
  );
}

/**
 * `enabled`: use Winograd where it applies (tests and benchmarks compare both paths);
 * `minChannels`: below this many input or output channels the direct kernels are faster.
 */
export const winogradOptions = { enabled: true, minChannels: 16 };

/** y = conv(x, w) + b (or, `flip`, the input gradient whose plan `p` is as a forward conv). */
export function winograd(p: ConvPlan, x: Block, w: Block, b: Block | undefined, out: Block, slots: number, flip: boolean): boolean {
  const [LH, LW] = [p.L[1]!, p.L[2]!];
  const [OH, OW] = [p.O[1]!, p.O[2]!];
  const TH = Math.ceil(OH / 2);
  const TWP = up4(Math.ceil(OW / 2));
  // tile rows per unit: V and M (64·(Cin + Cout) bytes per tile) near 192 KiB so they stay in
  // cache between the transforms and the 16 products (measured: 16-32 tiles beat 64 for 32-64
  // channels), fewer when that leaves threads idle
  const tiles = Math.min(64, Math.max(16, Math.floor(3072 / (p.Cin + up4(p.Cout)))));
  let rows = Math.max(1, Math.floor(tiles / TWP));
  const perImage = Math.ceil((4 * slots) / p.N);
  if (perImage > 1) rows = Math.max(1, Math.min(rows, Math.ceil(TH / perImage)));
  rows = Math.min(rows, TH);
  const T = up8(rows * TWP);
  const SW = 2 * TWP + 4;
  const mpad = up4(p.Cout);
  const scratch = winoScratch({ Cin: p.Cin, mpad, T, SW });
  const units = p.N * Math.ceil(TH / rows);
  const S = new Scratch();
  const pp = S.reserve(WINO.SIZE);
  const scr = S.reserve(scratch * slots);
  if (scratch * slots >= 2 ** 29 || 16 * mpad * p.Cin >= 2 ** 29 || !S.commit()) return false;
  try {
    const fill = (u: number): void => {
      const v = S.i32(pp, WINO.SIZE);
      v.fill(0);
      v[WINO.N] = p.N;
      v[WINO.CIN] = p.Cin;
      v[WINO.COUT] = p.Cout;
      v[WINO.LH] = LH;
      v[WINO.LW] = LW;
      v[WINO.OH] = OH;
      v[WINO.OW] = OW;
      v[WINO.PH] = p.padBefore[1]!;
      v[WINO.PW] = p.padBefore[2]!;
      v[WINO.TH] = TH;
      v[WINO.TWP] = TWP;
      v[WINO.ROWS] = rows;
      v[WINO.T] = T;
      v[WINO.SW] = SW;
      v[WINO.X] = x.ptr;
      v[WINO.U] = u;
      v[WINO.B] = b ? b.ptr : 0;
      v[WINO.Y] = out.ptr;
      v[WINO.SCR] = S.at(scr);
      v[WINO.SCRSTRIDE] = scratch * 4;
      v[WINO.FLIP] = flip ? 1 : 0;
      v[WINO.W] = w.ptr;
    };
    const u = heap.derived(w, `wino ${flip ? 'flipped' : 'fwd'} ${p.Cin} ${p.Cout}`, 16 * mpad * p.Cin, (dst) => {
      fill(dst.ptr);
      parallel(JOB.winoWeights, S.at(pp), p.Cout, 'conv', slots);
    });
    if (!u) return false;
    fill(u.ptr); // after the cache (which may grow memory) and with its address
    parallel(JOB.wino, S.at(pp), units, flip ? 'convTranspose' : 'conv', slots);
  } finally {
    S.release();
  }
  return true;
}
