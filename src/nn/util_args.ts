/** Argument checks shared by the layer constructors. */
import { ValueError, fmtValue } from '../errors.js';
import { readOptions } from '../op.js';

export { readOptions };

export function posInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ValueError({ op, arg, expected: 'a positive integer', got: fmtValue(v) });
  return v;
}

export function nonNegInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ValueError({ op, arg, expected: 'a non-negative integer', got: fmtValue(v) });
  return v;
}

export function bool(op: string, arg: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ValueError({ op, arg, expected: 'a boolean', got: fmtValue(v) });
  return v;
}

export function num(op: string, arg: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError({ op, arg, expected: 'a finite number', got: fmtValue(v) });
  return v;
}

/** An int or an array of `n` ints, as an array of `n` ints each >= min. */
export function tuple(op: string, arg: string, v: unknown, n: number, min: number): number[] {
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(arr) || arr.length !== n || !arr.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= min)) {
    throw new ValueError({ op, arg, expected: `an integer >= ${min} or an array of ${n} such integers`, got: fmtValue(v) });
  }
  return arr as number[];
}
