/**
 * The seedable global generator behind rand/randn/randint, dropout and initialisation.
 * xoshiro128** seeded through splitmix32; normals by Box–Muller. (Not PyTorch's Mersenne Twister:
 * same seed gives reproducible, not identical-to-torch, numbers.)
 */
import { ValueError, fmtValue } from './errors.js';

export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    if (!Number.isInteger(seed)) {
      throw new ValueError({ op: 'manualSeed', arg: 'seed', expected: 'an integer', got: fmtValue(seed) });
    }
    // splitmix32 over the low and high 32 bits of the seed
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
    this.spare = null;
    return this;
  }

  /** The generator's state (torch's `get_state`), for `setState` to return to. */
  getState(): { s: number[]; spare: number | null } {
    return { s: [...this.s], spare: this.spare };
  }

  /** Returns to a state taken by `getState`. */
  setState(state: { s: readonly number[]; spare: number | null }): this {
    if (!Array.isArray(state?.s) || state.s.length !== 4 || !state.s.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) || state.s.every((v) => v === 0)) {
      throw new ValueError({ op: 'Generator.setState', arg: 'state', expected: 'a state from getState()', got: fmtValue(state) });
    }
    this.s.set(state.s);
    this.spare = state.spare;
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The default generator. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator (like `torch.manual_seed`). */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}
