/**
 * Residual: a Sequential whose output is added to its input, y = x + body(x) (a ResNet block with an
 * identity shortcut). Its children are registered "0", "1", ... as in Sequential, so its
 * parameters are named like `3.0.weight`.
 */
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add } from '../ops/elementwise.js';
import { Sequential } from './container.js';

export class Residual extends Sequential {
  override forward(input: Tensor): Tensor {
    const y = super.forward(input);
    if (y.shape.length !== input.shape.length || y.shape.some((d, i) => d !== input.shape[i])) {
      throw new ShapeError({
        op: 'Residual',
        arg: 'input',
        expected: `a body that keeps the shape ${fmtShape(input.shape)} (its output is added to its input)`,
        got: `output shape ${fmtShape(y.shape)}`,
        message: `Residual: the block's layers turn ${fmtShape(input.shape)} into ${fmtShape(y.shape)}; a residual block must keep its input's shape (its output is added to its input)`,
      });
    }
    return add(input, y);
  }
}
