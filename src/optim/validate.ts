/** Validation helpers shared by the optimisers and schedulers (all throw typed errors naming the optimiser). */
import { ValueError, fmtValue } from '../errors.js';

/** Rejects options objects with keys outside `allowed` (camelCase torch keyword arguments). */
export { readOptions as readOpts } from '../options.js';

/** A finite number >= 0. */
export function nonNeg(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ValueError({ op, arg, expected: 'a finite number >= 0', got: fmtValue(v) });
  }
  return v;
}

/** A finite number in [0, 1) (betas, momentum-like coefficients). */
export function unitOpen(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new ValueError({ op, arg, expected: 'a number in [0, 1)', got: fmtValue(v) });
  }
  return v;
}

export function bool(op: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValueError({ op, arg, expected: 'a boolean', got: fmtValue(v) });
  return v;
}

/** A finite number (any sign). */
export function finite(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError({ op, arg, expected: 'a finite number', got: fmtValue(v) });
  return v;
}

/** An integer >= min. */
export function intAtLeast(op: string, arg: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ValueError({ op, arg, expected: `an integer >= ${min}`, got: fmtValue(v) });
  }
  return v;
}

export function oneOf<T extends string>(op: string, arg: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ValueError({ op, arg, expected: `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, got: fmtValue(v) });
  }
  return v as T;
}

/** An array of `n` numbers each accepted by `check`. */
export function numArray(op: string, arg: string, v: unknown, n: number, check: (a: string, x: unknown) => number): number[] {
  if (!Array.isArray(v) || v.length !== n) {
    throw new ValueError({ op, arg, expected: `an array of ${n} numbers`, got: fmtValue(v) });
  }
  return v.map((x, i) => check(`${arg}[${i}]`, x));
}

/** A plain object (state dicts). */
export function record(op: string, arg: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValueError({ op, arg, expected: 'an object', got: fmtValue(v) });
  return v as Record<string, unknown>;
}

/**
 * torch's positional learning rate: `SGD(params, 0.1)` and `SGD(params, 0.1, { momentum })` read
 * as `SGD(params, { lr: 0.1, momentum })`; an options object passes through. Giving lr both ways
 * is refused.
 */
export function lrOrOptions<O extends { lr?: number }>(op: string, lrOrOpts: number | O | undefined, more: O | undefined): O | undefined {
  if (typeof lrOrOpts !== 'number') {
    if (more !== undefined) throw new ValueError({ op, arg: 'options', expected: 'one options object (after the params, or after a positional lr)', got: 'two options objects' });
    return lrOrOpts;
  }
  if (more !== undefined && (typeof more !== 'object' || more === null)) throw new ValueError({ op, arg: 'options', expected: 'an options object', got: fmtValue(more) });
  if (more?.lr !== undefined) {
    throw new ValueError({ op, arg: 'options.lr', expected: 'the learning rate given once', got: `lr ${lrOrOpts} positionally and options.lr ${fmtValue(more.lr)}`, message: `${op}: the learning rate is given twice (${lrOrOpts} and options.lr ${fmtValue(more.lr)})` });
  }
  return { ...more, lr: lrOrOpts } as O;
}
