/**
 * The shape rule of a layer list, with errors that say where: each layer's output shape from the
 * summary's analyses, a failure re-raised as the same error class prefixed with the layer (its
 * place in the architecture string when it came from one).
 */
import { ConvkitError } from '../errors.js';
import { analyzeLayer, className } from './layers.js';
import type { LayerSpec } from './spec.js';

type ErrorCtor = new (f: { op: string; arg: string; expected: string; got: string; message?: string }) => ConvkitError;

/** Re-raises a layer's error as the same class, prefixed with where in the model it happened. */
export function inLayer(e: unknown, index: number, spec: LayerSpec): unknown {
  if (!(e instanceof ConvkitError) || e.message.startsWith('summary: layer ')) return e;
  const o = spec.origin;
  const where = o !== undefined ? `layer ${o.layer} ("${o.text}") at character ${o.offset}` : `layer ${index} (${className(spec)})`;
  const Ctor = e.constructor as ErrorCtor;
  return new Ctor({ op: e.op, arg: e.arg, expected: e.expected, got: e.got, message: `summary: ${where}: ${e.message}` });
}

/** The output shape of `spec` on a batched `input` (`index`: its 1-based place, for messages). */
export function layerOutputShape(spec: LayerSpec, input: readonly number[], index: number): readonly number[] {
  try {
    return analyzeLayer(spec, input, false, layerOutputShape).outputShape;
  } catch (e) {
    throw inLayer(e, index, spec);
  }
}
