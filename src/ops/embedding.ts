/**
 * embedding (torch.nn.functional.embedding): rows of a weight matrix picked by integer indices.
 * The gradient scatters back into the picked rows (indexSelect's vjp); rows picked by
 * `paddingIdx` get no gradient, as in torch.
 */
import { DTypeError, ValueError, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { expectRank, expectTensor, readOptions } from '../op.js';
import { eq } from './elementwise_binary.js';
import { where } from './elementwise_where.js';
import { indexSelect } from './movement_index.js';
import { reshape } from './movement.js';
import { unsqueeze } from './movement_layout.js';

export interface EmbeddingOptions {
  /** Rows at this index receive no gradient (negative counts from the end); default none. */
  paddingIdx?: number | null;
}

/** `input` (int32 indices, any shape) → `[...input.shape, embeddingDim]` rows of `weight` [num, dim]. */
export function embedding(input: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor {
  const op = 'embedding';
  expectTensor(op, 'input', input);
  expectTensor(op, 'weight', weight);
  expectRank(op, 'weight', weight, [2], '(numEmbeddings, embeddingDim)');
  if (input.dtype !== 'int32') throw new DTypeError({ op, arg: 'input', expected: 'an int32 tensor of indices', got: `a ${input.dtype} tensor` });
  const o = readOptions<EmbeddingOptions>(op, options, ['paddingIdx']);
  const [num, dim] = weight.shape as [number, number];
  const pad = checkPaddingIdx(op, o.paddingIdx, num);
  const flat = reshape(input, [input.numel]);
  let rows = indexSelect(weight, 0, flat);
  if (pad !== null && weight.requiresGrad) rows = where(unsqueeze(eq(flat, pad), 1), rows.detach(), rows);
  return reshape(rows, [...input.shape, dim]);
}

/** paddingIdx normalised to [0, num), or null. */
export function checkPaddingIdx(op: string, v: unknown, num: number): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -num || v >= num) {
    throw new ValueError({ op, arg: 'options.paddingIdx', expected: `an integer in [${-num}, ${num - 1}] or null`, got: fmtValue(v) });
  }
  return v < 0 ? v + num : v;
}
