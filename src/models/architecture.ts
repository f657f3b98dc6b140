/**
 * Models as data: an architecture string (grammar in summary/parse.ts) or a list of layer specs
 * builds a real `nn.Sequential`. Channels and features of every layer are read off the shape that
 * reaches it (the summary's shape rules), so a string names only what a person would write:
 *
 *   buildArchitecture('1x28x28 | conv 8 k3 p1 | bn | relu | maxpool 2 | res( conv 8 k3 p1 | bn | relu ) | fc 10')
 *
 * Modules are created in reading order, each drawing its initial weights from the default
 * generator (so `manualSeed` makes a build reproducible, and the named models built from their
 * strings get exactly the weights their hand-written versions got).
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from '../nn/conv.js';
import type { ConvLayerOptions, ConvTransposeLayerOptions } from '../nn/conv.js';
import {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  Dropout,
  Flatten,
  GELU,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool1d,
  MaxPool2d,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
} from '../nn/layers.js';
import type { AvgPoolLayerOptions, LinearOptions, MaxPoolLayerOptions } from '../nn/layers.js';
import type { BatchNormLayerOptions } from '../nn/norm.js';
import { AdaptiveAvgPool3d, AvgPool3d, MaxPool3d } from '../nn/layers3d.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from '../nn/norm.js';
import { Sequential } from '../nn/container.js';
import type { TensorModule } from '../nn/container.js';
import { Residual } from '../nn/residual.js';
import { parseArchitecture } from '../summary/parse.js';
import type { Architecture } from '../summary/parse.js';
import type { LayerSpec } from '../summary/spec.js';
import { layerOutputShape } from '../summary/shapes.js';

/** Drops undefined entries (exactOptionalPropertyTypes) from an options object. */
function defined<T extends object>(o: { [K in keyof T]?: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const pick = <T>(rank: number, of: readonly T[]): T => of[rank - 1]!;

/** One module for `spec` applied to a batched input of shape `input`. */
export function layerModule(spec: LayerSpec, input: readonly number[]): TensorModule {
  switch (spec.type) {
    case 'conv1d':
    case 'conv2d':
    case 'conv3d': {
      const C = pick(Number(spec.type[4]), [Conv1d, Conv2d, Conv3d]);
      const o = defined<ConvLayerOptions>({ stride: spec.stride, padding: spec.padding, dilation: spec.dilation, groups: spec.groups, bias: spec.bias, paddingMode: spec.paddingMode });
      return new C(spec.inChannels ?? input[1]!, spec.outChannels, spec.kernelSize, o);
    }
    case 'convTranspose1d':
    case 'convTranspose2d':
    case 'convTranspose3d': {
      const C = pick(Number(spec.type[13]), [ConvTranspose1d, ConvTranspose2d, ConvTranspose3d]);
      const o = defined<ConvTransposeLayerOptions>({ stride: spec.stride, padding: spec.padding, outputPadding: spec.outputPadding, dilation: spec.dilation, groups: spec.groups, bias: spec.bias });
      return new C(spec.inChannels ?? input[1]!, spec.outChannels, spec.kernelSize, o);
    }
    case 'maxPool1d':
    case 'maxPool2d':
    case 'maxPool3d':
      return new (pick(Number(spec.type[7]), [MaxPool1d, MaxPool2d, MaxPool3d]))(spec.kernelSize, defined<MaxPoolLayerOptions>({ stride: spec.stride, padding: spec.padding, dilation: spec.dilation, ceilMode: spec.ceilMode }));
    case 'avgPool1d':
    case 'avgPool2d':
    case 'avgPool3d': {
      const o = defined<AvgPoolLayerOptions>({ stride: spec.stride, padding: spec.padding, ceilMode: spec.ceilMode, countIncludePad: spec.countIncludePad });
      if (spec.type === 'avgPool1d') return new AvgPool1d(spec.kernelSize, o);
      const d = spec.divisorOverride === undefined ? {} : { divisorOverride: spec.divisorOverride };
      return spec.type === 'avgPool2d' ? new AvgPool2d(spec.kernelSize, { ...o, ...d }) : new AvgPool3d(spec.kernelSize, { ...o, ...d });
    }
    case 'adaptiveAvgPool1d':
    case 'adaptiveAvgPool2d':
    case 'adaptiveAvgPool3d':
      return new (pick(Number(spec.type[15]), [AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d]))(spec.outputSize);
    case 'linear':
      return new Linear(spec.inFeatures ?? input[input.length - 1]!, spec.outFeatures, defined<LinearOptions>({ bias: spec.bias }));
    case 'flatten':
      return new Flatten(spec.startDim ?? 1, spec.endDim ?? -1);
    case 'relu':
      return new ReLU();
    case 'leakyRelu':
      return new LeakyReLU(spec.negativeSlope ?? 0.01);
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'gelu':
      return new GELU();
    case 'softmax':
      return new Softmax(spec.dim ?? 1);
    case 'logSoftmax':
      return new LogSoftmax(spec.dim ?? 1);
    case 'batchNorm1d':
    case 'batchNorm2d':
    case 'batchNorm3d':
      return new (pick(Number(spec.type[9]), [BatchNorm1d, BatchNorm2d, BatchNorm3d]))(spec.numFeatures ?? input[1]!, defined<BatchNormLayerOptions>({ affine: spec.affine, trackRunningStats: spec.trackRunningStats }));
    case 'dropout':
      return new Dropout(spec.p ?? 0.5);
    case 'residual':
      return new Residual(...buildLayers(spec.layers, input));
    case 'custom':
      throw new ValueError({ op: 'buildArchitecture', arg: 'layers', expected: 'layers with a module (custom specs only describe a layer)', got: `the custom layer "${spec.name}"` });
    default: {
      const bad: unknown = (spec as { type?: unknown }).type;
      throw new ValueError({ op: 'buildArchitecture', arg: 'layers', expected: 'a known layer type', got: fmtValue(bad) });
    }
  }
}

/** Modules for `specs` in order, on a batched input shape (each layer's input is the previous output). */
export function buildLayers(specs: readonly LayerSpec[], inputShape: readonly number[]): TensorModule[] {
  const out: TensorModule[] = [];
  let shape = inputShape;
  specs.forEach((spec, i) => {
    out.push(layerModule(spec, shape));
    shape = layerOutputShape(spec, shape, i + 1);
  });
  return out;
}

/**
 * An `nn.Sequential` from an architecture string (or a parsed `Architecture`). Errors in the
 * string are `ArchitectureError`s with the position; shape errors name the layer of the string.
 */
export function buildArchitecture(src: string | Architecture): Sequential {
  const arch = typeof src === 'string' ? parseArchitecture(src) : src;
  return new Sequential(...buildLayers(arch.layers, [1, ...arch.inputShape]));
}

/** Classes a built model's output has: the last dimension of its output shape (checked 2-d). */
export function architectureOutput(src: string | Architecture): readonly number[] {
  const arch = typeof src === 'string' ? parseArchitecture(src) : src;
  let shape: readonly number[] = [1, ...arch.inputShape];
  arch.layers.forEach((spec, i) => {
    shape = layerOutputShape(spec, shape, i + 1);
  });
  return shape;
}

/** Checks that an architecture reads [C, H, W] inputs and ends in `classes` logits; returns its parse. */
export function checkArchitectureFor(src: string, inputShape: readonly number[], classes: number, what: string): Architecture {
  const arch = parseArchitecture(src);
  if (arch.inputShape.length !== inputShape.length || arch.inputShape.some((d, i) => d !== inputShape[i])) {
    throw new ShapeError({
      op: 'buildArchitecture',
      arg: 'architecture',
      expected: `the input shape ${inputShape.join('x')} of ${what}`,
      got: arch.inputShape.join('x'),
      message: `the architecture reads inputs of ${arch.inputShape.join('x')} but ${what} has inputs of ${inputShape.join('x')}; start the string with "${inputShape.join('x')} |"`,
    });
  }
  const out = architectureOutput(arch);
  if (out.length !== 2 || out[1] !== classes) {
    throw new ShapeError({
      op: 'buildArchitecture',
      arg: 'architecture',
      expected: `an output of ${classes} class scores, shape [N, ${classes}]`,
      got: fmtShape(out),
      message: `the architecture's output has shape ${fmtShape(out)} (batch 1) but ${what} has ${classes} classes; end the string with "fc ${classes}"`,
    });
  }
  return arch;
}
