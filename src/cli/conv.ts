/** `convkit conv X W`: a 1-d or 2-d convolution of nested arrays, with the extremes, zeros and (--explain) every sum. */
import { ValueError } from '../errors.js';
import type { NestedArray } from '../tensor.js';
import { explainConv, formatConvExplanation } from '../explain/conv.js';
import type { ConvMode } from '../explain/conv.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs } from './args.js';

interface Out {
  write(s: string): unknown;
}

const FLAGS: Record<string, FlagSpec> = {
  mode: { type: 'string', help: 'valid, same or full (numpy/scipy semantics: same puts the odd padding before)', default: 'valid', choices: ['valid', 'same', 'full'], placeholder: 'MODE' },
  flip: { type: 'boolean', help: 'flip the kernel: a true convolution (default: cross-correlation, as CNN layers compute)' },
  stride: { type: 'string', help: 'stride, one value or one per axis (2 or 2x1)', placeholder: 'S' },
  padding: { type: 'string', help: 'zero padding on both sides (mode valid only), one value or one per axis', placeholder: 'P' },
  dilation: { type: 'string', help: 'dilation, one value or one per axis', placeholder: 'D' },
  explain: { type: 'boolean', help: 'write out the sum for every output element with the numbers substituted' },
};

const DESCRIPTION = `Convolves X with the kernel W (nested arrays: 1-d "[1,2,3,4]" or 2-d "[[1,2],[3,4]]")
and prints the output, its largest and smallest values with every position where they occur, and
where it is zero. Example:
  convkit conv "[[1,2,0,3],[4,1,2,0],[0,3,1,2]]" "[[1,-1],[2,0]]" --explain`;

function parseArray(name: string, s: string): NestedArray {
  let v: unknown;
  try {
    v = JSON.parse(s.replace(/−/g, '-'));
  } catch {
    v = undefined;
  }
  const ok = (a: unknown): boolean => Array.isArray(a) && a.length > 0 && (a.every((x) => typeof x === 'number' && Number.isFinite(x)) || a.every((r) => Array.isArray(r) && r.length > 0 && r.every((x) => typeof x === 'number' && Number.isFinite(x))));
  if (!ok(v)) {
    throw new ValueError({ op: 'convkit conv', arg: name, expected: 'a 1-d or 2-d array of numbers, e.g. "[1,2,3]" or "[[1,2],[3,4]]"', got: JSON.stringify(s), message: `convkit conv: ${name} must be a 1-d or 2-d array of numbers such as "[1,2,3]" or "[[1,2],[3,4]]", got ${JSON.stringify(s)}` });
  }
  return v as NestedArray;
}

function ints(flag: string, s: string | undefined): number | number[] | undefined {
  if (s === undefined) return undefined;
  const parts = s.split(/[x,]/).map(Number);
  if (parts.length < 1 || parts.length > 2 || !parts.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new ValueError({ op: 'convkit conv', arg: `--${flag}`, expected: 'a non-negative integer or two joined by x', got: JSON.stringify(s) });
  }
  return parts.length === 1 ? parts[0]! : parts;
}

export function convCommand(argv: readonly string[], out: Out): number {
  if (argv.includes('--help')) {
    out.write(helpText('usage: convkit conv X W [--mode valid|same|full] [--flip] [--stride S] [--padding P] [--dilation D] [--explain]', DESCRIPTION, FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('conv', argv, FLAGS);
  if (positional.length !== 2) throw new ValueError({ op: 'convkit conv', arg: 'X W', expected: 'an input array and a kernel array', got: positional.length ? positional.join(' ') : 'nothing' });
  const x = parseArray('X', positional[0]!);
  const w = parseArray('W', positional[1]!);
  const opt = (k: string): number | number[] | undefined => ints(k, flags[k] as string | undefined);
  const stride = opt('stride');
  const padding = opt('padding');
  const dilation = opt('dilation');
  const e = explainConv(x, w, {
    mode: flags['mode'] as ConvMode,
    flip: flags['flip'] === true,
    ...(stride !== undefined ? { stride } : {}),
    ...(padding !== undefined ? { padding } : {}),
    ...(dilation !== undefined ? { dilation } : {}),
  });
  out.write(formatConvExplanation(e, { explain: flags['explain'] === true }) + '\n');
  return 0;
}
