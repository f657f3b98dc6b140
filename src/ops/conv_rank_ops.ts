/**
 * The user-facing convolution ops, one per public function: their attributes are the options
 * object exactly as the user passes it, so `conv2dOp.info([x, w], options)` validates a call and
 * `conv2dOp.macs(info)` counts it (the model summary's view). They run the shared kernels 'conv'
 * and 'convTranspose' and accept unbatched inputs (an unbatched (C, ...) tensor has the memory
 * layout of (1, C, ...), so only the shapes differ).
 */
import type { ConvPlan } from '../plans.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from '../op.js';
import { defineOp } from '../op.js';
import { reshape } from './movement.js';
import type { ConvGeometry, ConvOptions, ConvTransposeOptions } from './conv_geometry.js';
import { convSpec, resolveConv } from './conv_geometry.js';
import type { ConvTransposeAttrs } from './conv_ops.js';
import { biasGrad, convMacs, convOp, convRaw, convTransposeOp, convTransposeRaw, convWeightGradRaw, plan } from './conv_ops.js';
import { convKernels } from '../backends/reference/conv.js';

const batched = (t: Tensor, r: number): Tensor => (t.shape.length === r + 2 ? t : reshape(t, [1, ...t.shape]));
const shapedLike = (t: Tensor, like: Tensor): Tensor => (t.shape.length === like.shape.length ? t : reshape(t, like.shape));

/** The kernel plan of a plain convolution with zero padding. */
export function convPlanOf(geo: ConvGeometry): ConvPlan {
  const attrs = { op: geo.op, stride: geo.stride, dilation: geo.dilation, padBefore: geo.padBefore, padAfter: geo.padAfter, groups: geo.groups };
  const dims = { N: geo.batch, Cin: geo.inChannels, Cout: geo.outChannels, L: geo.inSize, K: geo.kernel, O: geo.outSize };
  return plan(attrs, geo.spatialRank, dims, geo.outShape, geo.dtype, geo.hasBias);
}

/**
 * The kernel plan of a transposed convolution: the adjoint of the conv of an outSize input (padding
 * before, padding - outputPadding after), whose output has the transposed conv's input size.
 */
export function convTransposePlanOf(geo: ConvGeometry): ConvPlan {
  const attrs: ConvTransposeAttrs = {
    op: geo.op,
    stride: geo.stride,
    dilation: geo.dilation,
    padBefore: geo.padBefore,
    padAfter: geo.padAfter.map((p, i) => p - geo.outputPadding[i]!),
    groups: geo.groups,
    size: geo.outSize,
  };
  const dims = { N: geo.batch, Cin: geo.outChannels, Cout: geo.inChannels, L: geo.outSize, K: geo.kernel, O: geo.inSize };
  return plan(attrs, geo.spatialRank, dims, geo.outShape, geo.dtype, geo.hasBias);
}

function convOpFor(r: number): OpDef<ConvOptions | undefined, ConvPlan> {
  const spec = convSpec(`conv${r}d`);
  return defineOp<ConvOptions | undefined, ConvPlan>({
    name: 'conv',
    reference: convKernels.conv,
    kernelOf: convOp,
    info: ([x, w, b], options) => {
      const geo = resolveConv(spec, x, w, b ?? null, options);
      if (geo.paddingMode !== 'zeros' && [...geo.padBefore, ...geo.padAfter].some((p) => p > 0)) {
        throw new ValueError({
          op: spec.op,
          arg: 'paddingMode',
          expected: '"zeros" when the op is applied directly',
          got: JSON.stringify(geo.paddingMode),
          message: `${spec.op}Op pads with zeros only; ${spec.op}() applies paddingMode "${geo.paddingMode}" by padding the input first`,
        });
      }
      return convPlanOf(geo);
    },
    macs: convMacs,
    vjp: ({ inputs: [x, w], info, needs }, [g]) => {
      const xb = batched(x!, r);
      const gb = batched(g!, r);
      return [
        needs[0] ? shapedLike(convTransposeRaw(gb, w!, null, { ...info.attrs, size: xb.shape.slice(2) }), x!) : null,
        needs[1] ? convWeightGradRaw(xb, gb, { ...info.attrs, kernel: w!.shape.slice(2) }) : null,
        needs[2] ? biasGrad(gb) : null,
      ];
    },
  });
}

function convTransposeOpFor(r: number): OpDef<ConvTransposeOptions | undefined, ConvPlan> {
  const spec = convSpec(`convTranspose${r}d`);
  return defineOp<ConvTransposeOptions | undefined, ConvPlan>({
    name: 'convTranspose',
    reference: convKernels.convTranspose,
    kernelOf: convTransposeOp,
    info: ([x, w, b], options) => convTransposePlanOf(resolveConv(spec, x, w, b ?? null, options)),
    macs: convMacs,
    vjp: ({ inputs: [x, w], info, needs }, [gy]) => {
      const xb = batched(x!, r);
      const gb = batched(gy!, r);
      return [
        needs[0] ? shapedLike(convRaw(gb, w!, null, info.attrs), x!) : null,
        needs[1] ? convWeightGradRaw(gb, xb, { ...info.attrs, kernel: w!.shape.slice(2) }) : null,
        needs[2] ? biasGrad(gb) : null,
      ];
    },
  });
}

/** conv1d as an op: attributes are conv1d's options; kernel 'conv'. */
export const conv1dOp = convOpFor(1);
/** conv2d as an op: attributes are conv2d's options; kernel 'conv'. */
export const conv2dOp = convOpFor(2);
/** conv3d as an op: attributes are conv3d's options; kernel 'conv'. */
export const conv3dOp = convOpFor(3);
/** convTranspose1d as an op: attributes are its options; kernel 'convTranspose'. */
export const convTranspose1dOp = convTransposeOpFor(1);
/** convTranspose2d as an op: attributes are its options; kernel 'convTranspose'. */
export const convTranspose2dOp = convTransposeOpFor(2);
/** convTranspose3d as an op: attributes are its options; kernel 'convTranspose'. */
export const convTranspose3dOp = convTransposeOpFor(3);
