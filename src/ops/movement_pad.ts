/**
 * `pad`, as torch.nn.functional.pad: `pads` lists (before, after) pairs starting from the LAST
 * dimension; negative pads crop. Modes constant | reflect | replicate | circular. Every padded
 * output element reads one input element (or the constant), so the gradient of a non-constant
 * mode folds values back onto the elements they were read from (`padBackward`).
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { checkFillValue } from './scalar.js';
import { apply1, defineOp, expectTensor, readOptions } from '../op.js';
import { padKernels } from '../backends/reference/movement_pad.js';
import type { PadInfo } from '../plans.js';
export type { PadInfo } from '../plans.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

export interface PadOptions {
  /** 'constant' (default), 'reflect', 'replicate' or 'circular'. */
  mode?: PadMode;
  /** Fill value of mode 'constant' (default 0). */
  value?: number;
}

export interface PadAttrs {
  readonly pads: readonly number[];
  readonly mode: PadMode;
  readonly value: number | undefined;
}

/**
 * Validates `pads` against `shape` and returns per-dimension before/after and the output shape.
 * Shared by pad and its backward (which checks the gradient's shape against the same plan).
 */
function padPlan(op: string, shape: Shape, pads: readonly number[], mode: PadMode, value: number | undefined): PadInfo {
  if (!Array.isArray(pads) || !pads.every((p) => typeof p === 'number' && Number.isInteger(p))) {
    throw new ValueError({ op, arg: 'pad', expected: 'an array of integers (before, after pairs from the last dimension)', got: fmtValue(pads) });
  }
  if (pads.length % 2 !== 0) {
    throw new ValueError({
      op,
      arg: 'pad',
      expected: 'an even number of values (before, after pairs)',
      got: `${pads.length} values ${fmtValue(pads)}`,
      message: `${op}: pad must have an even length (before, after pairs from the last dimension), got ${pads.length} value${pads.length === 1 ? '' : 's'}: ${fmtValue(pads)}`,
    });
  }
  const rank = shape.length;
  if (pads.length / 2 > rank) {
    throw new ShapeError({
      op,
      arg: 'pad',
      expected: `at most ${2 * rank} values for a ${rank}-d input`,
      got: `${pads.length} values ${fmtValue(pads)}`,
      message: `${op}: pad ${fmtValue(pads)} pads ${pads.length / 2} dimensions but the input ${fmtShape(shape)} has only ${rank}`,
    });
  }
  if (!MODES.includes(mode)) {
    throw new ValueError({ op, arg: 'options.mode', expected: `one of ${MODES.map((m) => `"${m}"`).join(', ')}`, got: fmtValue(mode) });
  }
  if (value !== undefined && typeof value !== 'number') {
    throw new ValueError({ op, arg: 'options.value', expected: 'a number', got: fmtValue(value) });
  }
  if (mode !== 'constant' && value !== undefined && value !== 0) {
    throw new ValueError({
      op,
      arg: 'options.value',
      expected: 'no value (only mode "constant" takes one)',
      got: fmtValue(value),
      message: `${op}: options.value is only used by mode "constant", got value ${value} with mode "${mode}"`,
    });
  }
  const before = new Array<number>(rank).fill(0);
  const after = new Array<number>(rank).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    before[rank - 1 - k] = pads[2 * k]!;
    after[rank - 1 - k] = pads[2 * k + 1]!;
  }
  const outShape = shape.map((n, d) => {
    const b = before[d]!;
    const a = after[d]!;
    const out = n + b + a;
    const where = `dimension ${d} (pads (${b}, ${a}), input ${fmtShape(shape)})`;
    if (b === 0 && a === 0) return n;
    if (mode === 'replicate' && n === 0) {
      throw new ValueError({
        op,
        arg: 'pad',
        expected: 'a non-empty dimension to replicate',
        got: `size 0 at ${where}`,
        message: `${op}: mode "replicate" needs a non-empty dimension to replicate, but ${where} has size 0`,
      });
    }
    if (mode === 'reflect' && (b >= n || a >= n)) {
      throw new ValueError({
        op,
        arg: 'pad',
        expected: `reflect pads smaller than the input size ${n}`,
        got: `(${b}, ${a})`,
        message: `${op}: reflect padding must be less than the input size at ${where}: got ${Math.max(b, a)} >= ${n}`,
      });
    }
    if (mode === 'circular') {
      // negative pads crop first; positive pads then wrap around the cropped size, at most once
      const m = n + Math.min(b, 0) + Math.min(a, 0);
      if (m < 0) {
        throw new ValueError({ op, arg: 'pad', expected: `crops of at most ${n} in total`, got: `(${b}, ${a})`, message: `${op}: negative padding crops more than the input size ${n} at ${where}` });
      }
      if (b > m || a > m) {
        throw new ValueError({
          op,
          arg: 'pad',
          expected: `circular pads at most the (cropped) input size ${m}`,
          got: `(${b}, ${a})`,
          message: `${op}: circular padding must be at most the input size at ${where}: got ${Math.max(b, a)} > ${m}`,
        });
      }
    }
    const minOut = mode === 'reflect' || mode === 'replicate' ? 1 : 0;
    if (out < minOut) {
      throw new ValueError({
        op,
        arg: 'pad',
        expected: `an output size of at least ${minOut}`,
        got: `${n} + ${b} + ${a} = ${out}`,
        message: `${op}: padding leaves an output size of ${n} + ${b} + ${a} = ${out} at ${where}; mode "${mode}" needs at least ${minOut}`,
      });
    }
    return out;
  });
  return { outShapes: [outShape], outDtypes: ['float32'], inShape: shape, outShape, before, after, mode, value: value ?? 0, pads: pads.slice() };
}

export const padOp = defineOp<PadAttrs, PadInfo>({
  name: 'pad',
  reference: padKernels.pad,
  info: ([x], a) => {
    const plan = padPlan('pad', x!.shape, a.pads, a.mode, a.value);
    if (a.value !== undefined) checkFillValue('pad', 'options.value', a.value, x!.dtype);
    return { ...plan, outDtypes: [x!.dtype] };
  },
  vjp: ({ info }, [g]) => {
    // constant padding is a crop/embed: its adjoint is the opposite padding with zeros
    if (info.mode === 'constant') return [pad(g!, info.pads.map((p) => -p))];
    return [apply1(padBackwardOp, [g!], info)];
  },
});

/** The adjoint of a non-constant pad: sums each gradient element onto the input element it read. */
export const padBackwardOp = defineOp<PadInfo, PadInfo>({
  name: 'padBackward',
  reference: padKernels.padBackward,
  info: ([g], fwd) => {
    if (!sameShape(g!.shape, fwd.outShape)) {
      throw new ShapeError({ op: 'padBackward', arg: 'grad', expected: `shape ${fmtShape(fwd.outShape)}`, got: fmtShape(g!.shape) });
    }
    return { ...fwd, outShapes: [fwd.inShape], outDtypes: [g!.dtype] };
  },
  // padBackward is linear with adjoint pad itself
  vjp: ({ info }, [gg]) => [pad(gg!, info.pads, { mode: info.mode })],
});

/**
 * Pads (or, with negative values, crops) `input`. `pads` holds (before, after) pairs starting from
 * the last dimension: `[left, right]`, `[left, right, top, bottom]`, ...
 * reflect needs each pad < the dimension's size; circular needs each pad <= it.
 */
export function pad(input: Tensor, pads: readonly number[], options?: PadOptions): Tensor {
  expectTensor('pad', 'input', input);
  const o = readOptions<PadOptions>('pad', options, ['mode', 'value']);
  return apply1(padOp, [input], { pads, mode: o.mode ?? 'constant', value: o.value });
}
