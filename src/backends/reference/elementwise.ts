/** Reference kernels for element-wise arithmetic. */
import type { Kernel } from '../../backend.js';
import type { BinaryInfo, UnaryInfo } from '../../ops/elementwise.js';
import { walk2 } from './index_walk.js';

function binary(f: (a: number, b: number) => number): Kernel<BinaryInfo> {
  return (info, [out], [a, b]) => {
    const o = out!;
    const x = a!;
    const y = b!;
    if (info.same) {
      for (let i = 0; i < o.length; i++) o[i] = f(x[i]!, y[i]!);
      return;
    }
    walk2(info.outShape, info.aStrides, info.bStrides, (i, ia, ib) => {
      o[i] = f(x[ia]!, y[ib]!);
    });
  };
}

function unary(f: (x: number) => number): Kernel<UnaryInfo> {
  return (_info, [out], [a]) => {
    const o = out!;
    const x = a!;
    for (let i = 0; i < o.length; i++) o[i] = f(x[i]!);
  };
}

export const elementwiseKernels = {
  add: binary((a, b) => a + b),
  sub: binary((a, b) => a - b),
  mul: binary((a, b) => a * b),
  div: binary((a, b) => a / b),
  neg: unary((x) => -x),
};
