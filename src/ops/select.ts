/**
 * Integer indexing, PyTorch style: `select(x, dim, i)` (torch.select, x[:, ..., i]) and the
 * method `x.index(i, j, ...)` (x[i, j, ...]). Views in torch; copies here (every tensor is
 * contiguous), differentiable through `narrow`.
 */
import { ValueError, fmtShape, fmtValue } from '../errors.js';
import { normDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectTensor } from '../op.js';
import { narrow } from './movement_join.js';
import { squeeze } from './movement_layout.js';

/** The slice of `input` at position `index` of dimension `dim`, which is removed (torch.select). */
export function select(input: Tensor, dim: number, index: number): Tensor {
  const op = 'select';
  expectTensor(op, 'input', input);
  if (input.shape.length === 0) {
    throw new ValueError({ op, arg: 'input', expected: 'a tensor of at least one dimension', got: 'a 0-d tensor', message: `${op}: cannot select from a 0-d tensor` });
  }
  const d = normDim(op, dim, input.shape.length);
  const n = input.shape[d]!;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < -n || index >= n) {
    throw new ValueError({
      op,
      arg: 'index',
      expected: `an integer in [${-n}, ${n - 1}]`,
      got: fmtValue(index),
      message: `${op}: index ${fmtValue(index)} is out of range for dimension ${d} of size ${n} (tensor of shape ${fmtShape(input.shape)})`,
    });
  }
  return squeeze(narrow(input, d, index < 0 ? index + n : index, 1), d);
}

/** `x[i0, i1, ...]` with integer indices: selects along the leading dimensions in turn. */
export function indexLeading(input: Tensor, indices: readonly number[]): Tensor {
  expectTensor('index', 'input', input);
  if (indices.length > input.shape.length) {
    throw new ValueError({
      op: 'index',
      arg: 'indices',
      expected: `at most ${input.shape.length} indices for a tensor of shape ${fmtShape(input.shape)}`,
      got: `${indices.length} indices`,
      message: `index: ${indices.length} indices for a ${input.shape.length}-d tensor of shape ${fmtShape(input.shape)}`,
    });
  }
  indices.forEach((i, k) => {
    const n = input.shape[k]!;
    if (typeof i !== 'number' || !Number.isInteger(i) || i < -n || i >= n) {
      throw new ValueError({
        op: 'index',
        arg: `indices[${k}]`,
        expected: `an integer in [${-n}, ${n - 1}]`,
        got: fmtValue(i),
        message: `index: index ${fmtValue(i)} is out of range for dimension ${k} of size ${n} (tensor of shape ${fmtShape(input.shape)})`,
      });
    }
  });
  let x = input;
  for (const i of indices) x = select(x, 0, i);
  return x;
}
