/**
 * Products and running sums: prod (with an exact, division-free gradient that is right at
 * zeros, to every order) and cumsum.
 */
import { ShapeError, fmtShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { normDim, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef, OpInfo } from '../op.js';
import { apply1, defineOp, expectSameDtype, expectTensor, readOptions } from '../op.js';
import { mul } from './elementwise.js';
import { reshape } from './movement.js';
import type { ReduceDims, ReduceOptions } from './reduce.js';
import { keepdimOf, reduceDims, reduceInfo } from './reduce.js';
import { prodKernels } from '../backends/reference/reduce_prod.js';
import type { CumsumInfo, ProdOthersInfo, ReduceInfo } from '../plans.js';
export type { ProdOthersInfo, CumsumInfo } from '../plans.js';

export const prodOp = defineOp<{ dim: ReduceDims; keepdim: boolean }, ReduceInfo>({
  name: 'prod',
  reference: prodKernels.prod,
  info: ([x], a) => reduceInfo('prod', x!, a.dim, a.keepdim),
  vjp: ({ inputs: [x], info }, [g]) => [mul(reshape(g!, info.keptShape), prodOthers(x!, [], info.dims))],
});

/** Product over `dim` (all dimensions when omitted; 1 for an empty group). */
export function prod(input: Tensor, dim?: ReduceDims, options?: ReduceOptions): Tensor {
  expectTensor('prod', 'input', input);
  const o = readOptions<ReduceOptions>('prod', options, ['keepdim']);
  return apply1(prodOp, [input], { dim, keepdim: keepdimOf('prod', o.keepdim) });
}

/**
 * prodOthers(x, [v1..vm]) at element j of a group (the elements reduced together) is the
 * coefficient of t1·…·tm in ∏_{k≠j} (x_k + Σ_i t_i v_ik). With m = 0 it is the product of the
 * other elements, ∂prod/∂x_j; each further direction is one more derivative contracted with v_i.
 * The family is closed under differentiation:
 *   vjp w.r.t. x with cotangent w:   prodOthers(x, [v1..vm, w])
 *   vjp w.r.t. v_i with cotangent w: prodOthers(x, [v1..vm without v_i, w])
 * (the s·t-coefficients pick the j ≠ l terms of Σ_j w_j ∂F_j/∂·). The kernel forms prefix and
 * suffix products of these truncated polynomials, so zeros need no special case.
 */
export const prodOthersOp = defineOp<{ dims: readonly number[] }, ProdOthersInfo>({
  name: 'prodOthers',
  reference: prodKernels.prodOthers,
  info: (inputs, a) => {
    const x = inputs[0]!;
    expectSameDtype('prodOthers', inputs.map((t, i) => [i === 0 ? 'input' : `directions[${i - 1}]`, t] as [string, Tensor]));
    inputs.forEach((t, i) => {
      if (!sameShape(t.shape, x.shape)) {
        throw new ShapeError({ op: 'prodOthers', arg: `directions[${i - 1}]`, expected: `shape ${fmtShape(x.shape)}`, got: fmtShape(t.shape) });
      }
    });
    return { outShapes: [x.shape], outDtypes: [x.dtype], inShape: x.shape, dims: a.dims, m: inputs.length - 1 };
  },
  vjp: ({ inputs, info, needs }, [w]) => {
    const [x, ...vs] = inputs;
    return inputs.map((_, i) =>
      !needs[i] ? null : i === 0 ? prodOthers(x!, [...vs, w!], info.dims) : prodOthers(x!, [...vs.filter((_, j) => j !== i - 1), w!], info.dims),
    );
  },
});

/** See prodOthersOp. `dims` are the reduced dimensions (normalised). */
export function prodOthers(x: Tensor, directions: readonly Tensor[], dims: readonly number[]): Tensor {
  return apply1(prodOthersOp, [x, ...directions], { dims: reduceDims('prodOthers', [...dims], x.shape.length) });
}

export const cumsumOp: OpDef<{ dim: number; reverse: boolean }, CumsumInfo> = defineOp<{ dim: number; reverse: boolean }, CumsumInfo>({
  name: 'cumsum',
  reference: prodKernels.cumsum,
  info: ([x], a) => {
    const s = x!.shape;
    const dim = normDim('cumsum', a.dim, s.length);
    const n = s[dim] ?? 1;
    let outer = 1;
    let inner = 1;
    for (let d = 0; d < dim; d++) outer *= s[d]!;
    for (let d = dim + 1; d < s.length; d++) inner *= s[d]!;
    return { outShapes: [s], outDtypes: [x!.dtype], outer, n, inner, dim, reverse: a.reverse };
  },
  // the adjoint of a running sum is the running sum taken from the other end
  vjp: ({ info }, [g]) => [apply1(cumsumOp, [g!], { dim: info.dim, reverse: !info.reverse })],
});

/** Running sum along `dim` (torch.cumsum). */
export function cumsum(input: Tensor, dim: number): Tensor {
  expectTensor('cumsum', 'input', input);
  return apply1(cumsumOp, [input], { dim, reverse: false });
}
