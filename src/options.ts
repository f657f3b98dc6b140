/** Options objects: the camelCase keyword arguments of every public function. */
import { ValueError, fmtValue } from './errors.js';
import { isTensor } from './tensor.js';

/** Reads an options object, rejecting non-objects and unknown keys (a misspelt option is a bug). */
export function readOptions<T extends object>(op: string, v: unknown, allowed: readonly (keyof T & string)[]): Partial<T> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isTensor(v)) {
    throw new ValueError({ op, arg: 'options', expected: 'an options object', got: fmtValue(v) });
  }
  for (const k of Object.keys(v)) {
    if (!(allowed as readonly string[]).includes(k)) {
      throw new ValueError({
        op,
        arg: `options.${k}`,
        expected: `one of the options ${allowed.join(', ')}`,
        got: `unknown option "${k}"`,
        message: `${op}: unknown option "${k}" (allowed: ${allowed.join(', ')})`,
      });
    }
  }
  return v as Partial<T>;
}
