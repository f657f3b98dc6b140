/**
 * Pooling op definitions. Forward ops return a plan (ops/pool_plan.ts) that their kernels walk;
 * the backward ops reuse the forward plan, so each is a kernel of its own the fast backend can
 * replace, with a vjp written with these same ops:
 *   maxPool / adaptiveMaxPool  x -> [y, indices]      vjp: maxPoolBackward(g, indices)
 *   maxPoolBackward  (g, indices) -> scatter-add of g into the input plane at indices
 *                                                     vjp w.r.t. g: maxPoolGather(gg, indices)
 *   maxPoolGather    (t, indices) -> t read at indices vjp w.r.t. t: maxPoolBackward(gg, indices)
 *   avgPool / adaptiveAvgPool  x -> y (linear)       vjp: avgPoolBackward(g)
 *   avgPoolBackward  g -> transpose of the average   vjp: the forward average again
 * Indices are int32 and carry no gradient; a max pool's gradient w.r.t. its input through the
 * backward op is zero (the selection is piecewise constant), so only g is differentiated.
 */
import type { AvgPoolPlan, PoolPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { apply1, defineOp } from '../op.js';
import type { AdaptiveAttrs, AvgAttrs, WindowAttrs } from './pool_plan.js';
import {
  adaptiveAvgPoolPlan,
  adaptiveMaxPoolPlan,
  avgPoolPlan,
  expectPoolIndices,
  expectPoolTensor,
  maxPoolPlan,
} from './pool_plan.js';
import { poolKernels } from '../backends/reference/pool.js';

export const maxPoolOp = defineOp<WindowAttrs, PoolPlan>({
  name: 'maxPool',
  reference: poolKernels.maxPool,
  info: ([x], a) => maxPoolPlan(x!, a),
  macs: () => 0,
  vjp: ({ info, outputs, needs }, [g]) => [needs[0] ? maxPoolBackward(g!, outputs[1]!, info) : null],
});

export const adaptiveMaxPoolOp = defineOp<AdaptiveAttrs, PoolPlan>({
  name: 'adaptiveMaxPool',
  reference: poolKernels.adaptiveMaxPool,
  info: ([x], a) => adaptiveMaxPoolPlan(x!, a),
  macs: () => 0,
  vjp: ({ info, outputs, needs }, [g]) => [needs[0] ? maxPoolBackward(g!, outputs[1]!, info) : null],
});

/** Scatter-adds gradOutput into the input plane at the saved indices (index -1: no input element). */
export const maxPoolBackwardOp = defineOp<PoolPlan, PoolPlan>({
  name: 'maxPoolBackward',
  reference: poolKernels.maxPoolBackward,
  info: ([g, idx], plan) => {
    expectPoolTensor(plan, 'maxPoolBackward', 'gradOutput', g!, plan.outShape);
    expectPoolIndices('maxPoolBackward', idx!, plan.outShape);
    return { ...plan, outShapes: [plan.inShape], outDtypes: [plan.dtype] };
  },
  macs: () => 0,
  vjp: ({ info, inputs, needs }, [gg]) => [needs[0] ? maxPoolGather(gg!, inputs[1]!, info) : null, null],
});

/** Reads an input-shaped tensor at the saved indices (0 where the index is -1). */
export const maxPoolGatherOp = defineOp<PoolPlan, PoolPlan>({
  name: 'maxPoolGather',
  reference: poolKernels.maxPoolGather,
  info: ([t, idx], plan) => {
    expectPoolTensor(plan, 'maxPoolGather', 'input', t!, plan.inShape);
    expectPoolIndices('maxPoolGather', idx!, plan.outShape);
    return { ...plan, outShapes: [plan.outShape], outDtypes: [plan.dtype] };
  },
  macs: () => 0,
  vjp: ({ info, inputs, needs }, [g]) => [needs[0] ? maxPoolBackward(g!, inputs[1]!, info) : null, null],
});

export const avgPoolOp = defineOp<AvgAttrs, AvgPoolPlan>({
  name: 'avgPool',
  reference: poolKernels.avgPool,
  info: ([x], a) => avgPoolPlan(x!, a),
  macs: () => 0,
  vjp: ({ info, needs }, [g]) => [needs[0] ? avgPoolBackward(g!, info) : null],
});

export const adaptiveAvgPoolOp = defineOp<AdaptiveAttrs, AvgPoolPlan>({
  name: 'adaptiveAvgPool',
  reference: poolKernels.adaptiveAvgPool,
  info: ([x], a) => adaptiveAvgPoolPlan(x!, a),
  macs: () => 0,
  vjp: ({ info, needs }, [g]) => [needs[0] ? avgPoolBackward(g!, info) : null],
});

/** The transpose of an average pool: each output gradient spread evenly over its window's inputs. */
export const avgPoolBackwardOp = defineOp<AvgPoolPlan, AvgPoolPlan>({
  name: 'avgPoolBackward',
  reference: poolKernels.avgPoolBackward,
  info: ([g], plan) => {
    expectPoolTensor(plan, 'avgPoolBackward', 'gradOutput', g!, plan.outShape);
    return { ...plan, outShapes: [plan.inShape], outDtypes: [plan.dtype] };
  },
  macs: () => 0,
  // the transpose of the transpose is the average pool itself
  vjp: ({ info, needs }, [gg]) => [needs[0] ? avgPoolApply(gg!, info) : null],
});

export function maxPoolBackward(gradOutput: Tensor, indices: Tensor, plan: PoolPlan): Tensor {
  return apply1(maxPoolBackwardOp, [gradOutput, indices], plan);
}

export function maxPoolGather(t: Tensor, indices: Tensor, plan: PoolPlan): Tensor {
  return apply1(maxPoolGatherOp, [t, indices], plan);
}

export function avgPoolBackward(gradOutput: Tensor, plan: AvgPoolPlan): Tensor {
  return apply1(avgPoolBackwardOp, [gradOutput], plan);
}

/** Re-applies the average pool a plan was made from (to a tensor of the plan's input shape). */
function avgPoolApply(t: Tensor, plan: AvgPoolPlan): Tensor {
  const s = plan.source;
  return s.kind === 'avg' ? apply1(avgPoolOp, [t], s.attrs) : apply1(adaptiveAvgPoolOp, [t], s.attrs);
}
