/**
 * The layer spec an nn module stands for (Conv2d → {type: 'conv2d', inChannels, ...}), so a traced
 * model's rows get the same description and working as an architecture string's. Modules without
 * a spec (recurrent layers, LayerNorm, containers, custom modules) still get rows: their counts
 * come from the ops they ran.
 */
import type { AnyModule } from '../nn/module.js';
import { ConvNd, ConvTransposeNd } from '../nn/conv.js';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPoolNd, Dropout, Flatten, GELU, LeakyReLU, Linear, LogSoftmax, MaxPoolNd, ReLU, Sigmoid, Softmax, Tanh } from '../nn/layers.js';
import { AdaptiveAvgPool3d } from '../nn/layers3d.js';
import { BatchNormNd } from '../nn/norm.js';
import { Residual } from '../nn/residual.js';
import type { LayerSpec } from './spec.js';

/** The spec of `m` run on a batched input of rank `inputRank`, or null when it has none. */
export function specOf(m: AnyModule, inputRank: number): LayerSpec | null {
  const rank = inputRank - 2;
  if (m instanceof ConvTransposeNd) {
    return { type: `convTranspose${m.kernelSize.length}d` as 'convTranspose2d', inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, stride: m.stride, padding: m.padding as readonly number[], outputPadding: m.outputPadding, dilation: m.dilation, groups: m.groups, bias: m.bias !== null };
  }
  if (m instanceof ConvNd) {
    return { type: `conv${m.kernelSize.length}d` as 'conv2d', inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, dilation: m.dilation, groups: m.groups, bias: m.bias !== null, paddingMode: m.paddingMode };
  }
  if (m instanceof MaxPoolNd) return { type: `maxPool${m.kernelSize.length}d` as 'maxPool2d', kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, dilation: m.dilation, ceilMode: m.ceilMode };
  if (m instanceof AvgPoolNd) return { type: `avgPool${m.kernelSize.length}d` as 'avgPool2d', kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, ceilMode: m.ceilMode, countIncludePad: m.countIncludePad, divisorOverride: m.divisorOverride };
  if (m instanceof AdaptiveAvgPool1d || m instanceof AdaptiveAvgPool2d || m instanceof AdaptiveAvgPool3d) return { type: `adaptiveAvgPool${rank}d` as 'adaptiveAvgPool2d', outputSize: m.outputSize };
  if (m instanceof Linear) return { type: 'linear', inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias !== null };
  if (m instanceof Flatten) return { type: 'flatten', startDim: m.startDim, endDim: m.endDim };
  if (m instanceof ReLU) return { type: 'relu' };
  if (m instanceof LeakyReLU) return { type: 'leakyRelu', negativeSlope: m.negativeSlope };
  if (m instanceof Sigmoid) return { type: 'sigmoid' };
  if (m instanceof Tanh) return { type: 'tanh' };
  if (m instanceof GELU) return { type: 'gelu' };
  if (m instanceof Softmax) return { type: 'softmax', dim: m.dim };
  if (m instanceof LogSoftmax) return { type: 'logSoftmax', dim: m.dim };
  if (m instanceof Dropout) return { type: 'dropout', p: m.p };
  if (m instanceof BatchNormNd) return { type: `batchNorm${Math.max(1, rank)}d` as 'batchNorm2d', numFeatures: m.numFeatures, affine: m.affine, trackRunningStats: m.trackRunningStats };
  if (m instanceof Residual) return { type: 'residual', layers: [] };
  return null;
}
