/**
 * "Show your working": building the formula lines of a summary row. Every line is
 * `quantity = formula = value`, where `formula` is plain arithmetic (integers, + - * /, parentheses,
 * floor(...) and ceil(...)) with the numbers substituted, and `value` is the number the summary
 * computed by other means (convInfo, the pool plan, ...). The tests evaluate `formula` and check it
 * equals `value`, so a line can never disagree with the table.
 */
import { ValueError, fmtValue } from '../errors.js';
import type { Explanation } from './spec.js';

/** 1234567 → "1,234,567" (deterministic: no locale). */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const s = String(Math.abs(Math.round(n)));
  const parts: string[] = [];
  for (let i = s.length; i > 0; i -= 3) parts.unshift(s.slice(Math.max(0, i - 3), i));
  return (neg ? '-' : '') + parts.join(',');
}

/** A shape as `1×32×64×64`. */
export function fmtDims(shape: readonly number[]): string {
  return shape.join('×');
}

/** A product written out: `a * b * c`, or `1` for an empty list. */
export function prodText(terms: readonly (number | string)[]): string {
  return terms.length === 0 ? '1' : terms.map(String).join(' * ');
}

export function line(quantity: string, formula: string, value: number, note = ''): Explanation {
  const text = `${quantity} = ${formula === '' ? '' : `${formula} = `}${fmtInt(value)}`;
  return { quantity, formula, value, text, note };
}

/**
 * Where an analysis wants the layer's MACs written: the summary fills it with the count of the
 * ops the layer ran and their terms (see op_counts.ts). `note` says what the count means.
 */
export function macsSlot(note: string): Explanation {
  return { quantity: 'MACs', formula: '', value: 0, text: '', note };
}

/** True for a `macsSlot` not yet filled. */
export function isMacsSlot(e: Explanation): boolean {
  return e.quantity === 'MACs' && e.text === '';
}

/**
 * A line whose formula text comes from elsewhere already ending in ` = value` (convOutFormula's
 * format): kept verbatim so the printed text is exactly the shared formula's.
 */
export function lineFromFormula(quantity: string, formulaWithValue: string, value: number): Explanation {
  const cut = formulaWithValue.lastIndexOf(' = ');
  const formula = cut < 0 ? formulaWithValue : formulaWithValue.slice(0, cut);
  return { quantity, formula, value, text: `${quantity} = ${formulaWithValue}`, note: '' };
}

/** Axis names of the output size lines. */
export function axisNames(rank: number): readonly string[] {
  return rank === 1 ? ['L'] : rank === 2 ? ['H', 'W'] : rank === 3 ? ['D', 'H', 'W'] : Array.from({ length: rank }, (_, i) => `S${i}`);
}

export function product(v: readonly number[]): number {
  let p = 1;
  for (const d of v) p *= d;
  return p;
}

/** A positive integer option of a layer spec (ValueError naming the layer otherwise). */
export function posInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError({ op, arg, expected: 'a positive integer', got: fmtValue(v) });
  return v;
}

export function boolOf(op: string, arg: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ValueError({ op, arg, expected: 'true or false', got: fmtValue(v) });
  return v;
}
