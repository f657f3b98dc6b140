/**
 * How a plain JavaScript number meets a tensor: PyTorch's type promotion for Python scalars.
 * A number takes the tensor's dtype, except that a non-integer number (0.5, NaN, Infinity) meeting
 * an int32 tensor makes the operation compute in float32 (torch's default float dtype), as
 * `torch.tensor([3, 5], dtype=torch.int32) * 0.5` gives `tensor([1.5, 2.5])`. An integer outside
 * int32's range is refused rather than wrapped around (PyTorch wraps silently).
 */
import type { DType } from '../dtype.js';
import { ValueError, fmtValue } from '../errors.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The dtype an op computes in when `value` meets a tensor of dtype `dtype`. */
export function scalarResultDtype(op: string, arg: string, value: number, dtype: DType): DType {
  if (dtype !== 'int32') return dtype;
  if (!Number.isInteger(value)) return 'float32';
  if (value < INT32_MIN || value > INT32_MAX) {
    throw new ValueError({
      op,
      arg,
      expected: `an integer in int32's range [${INT32_MIN}, ${INT32_MAX}] for an int32 tensor`,
      got: fmtValue(value),
      message: `${op}: ${arg} ${fmtValue(value)} does not fit in int32, the dtype of the tensor it meets; convert the tensor with .to('float64') first`,
    });
  }
  return 'int32';
}

/** Checks that `value` can be stored in a tensor of `dtype` unchanged (for fills and pad values). */
export function checkFillValue(op: string, arg: string, value: unknown, dtype: DType): number {
  if (typeof value !== 'number') throw new ValueError({ op, arg, expected: 'a number', got: fmtValue(value) });
  if (dtype === 'int32' && scalarResultDtype(op, arg, value, dtype) !== 'int32') {
    throw new ValueError({
      op,
      arg,
      expected: 'an integer for an int32 tensor',
      got: fmtValue(value),
      message: `${op}: ${arg} ${fmtValue(value)} cannot be stored in an int32 tensor unchanged; pass an integer or use a float dtype`,
    });
  }
  return value;
}
