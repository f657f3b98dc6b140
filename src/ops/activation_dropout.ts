/**
 * dropout: zeroes each element with probability p and scales the survivors by 1/(1-p), drawing
 * from the seedable `defaultGenerator` (src/random.ts). The mask is an op of its own
 * (`dropoutMask`, values 0 or 1/(1-p)) so a faster backend can replace it; the output is
 * input ⊙ mask, differentiated by `mul`.
 */
import { ValueError, fmtValue } from '../errors.js';
import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectFloat, expectTensor, readOptions } from '../op.js';
import type { Generator } from '../random.js';
import { defaultGenerator } from '../random.js';
import { mul } from './elementwise.js';
import { activationKernels } from '../backends/reference/activation.js';
import type { DropoutMaskInfo } from '../plans.js';
export type { DropoutMaskInfo } from '../plans.js';

export interface DropoutMaskAttrs {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly p: number;
  readonly generator: Generator;
}

export const dropoutMaskOp = defineOp<DropoutMaskAttrs, DropoutMaskInfo>({
  name: 'dropoutMask',
  reference: activationKernels.dropoutMask,
  info: (_inputs, a) => ({
    outShapes: [a.shape],
    outDtypes: [a.dtype],
    p: a.p,
    scale: 1 / (1 - a.p),
    generator: a.generator,
  }),
});

export interface DropoutOptions {
  p?: number;
  training?: boolean;
}

/**
 * During training, each element is kept with probability 1-p and multiplied by 1/(1-p) (so the
 * expectation is unchanged); p = 1 gives zeros. When not training, or p = 0, returns `input`.
 */
export function dropout(input: Tensor, options?: DropoutOptions): Tensor {
  const op = 'dropout';
  expectTensor(op, 'input', input);
  const o = readOptions<DropoutOptions>(op, options, ['p', 'training']);
  const p = o.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ValueError({
      op,
      arg: 'options.p',
      expected: 'a probability between 0 and 1',
      got: fmtValue(p),
      message: `${op}: options.p must be a probability between 0 and 1, got ${fmtValue(p)}`,
    });
  }
  const training = o.training ?? true;
  if (typeof training !== 'boolean') {
    throw new ValueError({ op, arg: 'options.training', expected: 'a boolean', got: fmtValue(training) });
  }
  expectFloat(op, 'input', input);
  if (!training || p === 0) return input;
  const mask = apply1(dropoutMaskOp, [], { shape: input.shape, dtype: input.dtype, p, generator: defaultGenerator });
  return mul(input, mask);
}

/**
 * Channel dropout (torch's dropout2d): during training each whole channel of an (N, C, H, W) or
 * (C, H, W) input is zeroed with probability p and the others scaled by 1/(1-p) — for conv
 * feature maps, whose neighbouring pixels are too correlated for element-wise dropout to help.
 */
export function dropout2d(input: Tensor, options?: DropoutOptions): Tensor {
  const op = 'dropout2d';
  expectTensor(op, 'input', input);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ValueError({ op, arg: 'input', expected: 'a 3-d (C, H, W) or 4-d (N, C, H, W) tensor', got: `shape [${input.shape.join(', ')}]` });
  }
  const o = readOptions<DropoutOptions>(op, options, ['p', 'training']);
  const p = o.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError({ op, arg: 'options.p', expected: 'a probability between 0 and 1', got: fmtValue(p) });
  const training = o.training ?? true;
  if (typeof training !== 'boolean') throw new ValueError({ op, arg: 'options.training', expected: 'a boolean', got: fmtValue(training) });
  expectFloat(op, 'input', input);
  if (!training || p === 0) return input;
  // one draw per (sample, channel), broadcast over the plane
  const shape = [...input.shape.slice(0, -2), 1, 1];
  const mask = apply1(dropoutMaskOp, [], { shape, dtype: input.dtype, p, generator: defaultGenerator });
  return mul(input, mask);
}
