/** Argument checks shared by the signal family's public functions. */
import type { Tensor } from '../tensor.js';
import { expectFloat, expectSameDtype, expectTensor } from '../op.js';

/** Tensors, floats, one dtype: checked before any shape rule so dtype errors come first. */
export function checkPair(op: string, names: [string, string], a: unknown, b: unknown): [Tensor, Tensor] {
  const ta = expectTensor(op, names[0], a);
  const tb = expectTensor(op, names[1], b);
  expectFloat(op, names[0], ta);
  expectFloat(op, names[1], tb);
  expectSameDtype(op, [[names[0], ta], [names[1], tb]]);
  return [ta, tb];
}

