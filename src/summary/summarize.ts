/**
 * `summarize(inputShape, layers, {explain})`: the summary of a list of layer specs (what an
 * architecture string parses to). The shapes are checked layer by layer first (errors name the
 * layer), then the layers are built as modules and traced like any model (model.ts), so their MACs
 * are the ops' own counts. A `custom` spec becomes a stand-in whose output has the stated shape
 * and whose row carries the stated counts. Building draws initial weights; the default
 * generator's state is restored afterwards, so a summary never changes later random numbers.
 */
import { ValueError, fmtValue } from '../errors.js';
import { zeros } from '../creation.js';
import { defaultGenerator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Residual } from '../nn/residual.js';
import type { TensorModule } from '../nn/container.js';
import { layerModule } from '../models/architecture.js';
import { className } from './layers.js';
import { line } from './explain.js';
import { resultOf, rowsOf } from './model.js';
import { inLayer, layerOutputShape } from './shapes.js';
import { traceModel } from './trace.js';
import type { CustomLayerSpec, LayerSpec, SummarizeOptions, SummaryResult } from './spec.js';

/** A custom spec's stand-in: zeros of the stated output shape. */
class DeclaredLayer extends Module {
  constructor(readonly spec: CustomLayerSpec) {
    super();
  }
  forward(): Tensor {
    return zeros(this.spec.outputShape);
  }
}

function checkInputShape(inputShape: unknown): number[] {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    throw new ValueError({ op: 'summarize', arg: 'inputShape', expected: 'a non-empty array of positive integers (batch first)', got: fmtValue(inputShape) });
  }
  return inputShape as number[];
}

/** Modules for `specs` (residual blocks' layers inside their block), each mapped to its spec. */
function build(specs: readonly LayerSpec[], input: readonly number[], bySpec: Map<AnyModule, LayerSpec>): TensorModule[] {
  let shape = input;
  return specs.map((spec, i) => {
    let m: TensorModule;
    try {
      if (spec.type === 'custom') m = new DeclaredLayer(spec) as unknown as TensorModule;
      else if (spec.type === 'residual') m = new Residual(...build(spec.layers, shape, bySpec));
      else m = layerModule(spec, shape);
    } catch (e) {
      throw inLayer(e, i + 1, spec);
    }
    bySpec.set(m as AnyModule, spec);
    shape = layerOutputShape(spec, shape, i + 1);
    return m;
  });
}

/**
 * Summarises `layers` applied in order to an input of shape `inputShape` (batch first:
 * (N, C, ...spatial) or (N, features)). With `explain`, every row carries its working.
 */
export function summarize(inputShape: readonly number[], layers: readonly LayerSpec[], options: SummarizeOptions = {}): SummaryResult {
  const input = checkInputShape(inputShape);
  if (!Array.isArray(layers)) throw new ValueError({ op: 'summarize', arg: 'layers', expected: 'an array of layer specs', got: fmtValue(layers) });
  const explain = options.explain ?? false;
  let shape: readonly number[] = input;
  layers.forEach((spec, i) => {
    shape = layerOutputShape(spec, shape, i + 1);
  });
  const bySpec = new Map<AnyModule, LayerSpec>();
  const rng = defaultGenerator.getState();
  let model: Sequential;
  try {
    model = new Sequential(...build(layers, input, bySpec));
  } finally {
    defaultGenerator.setState(rng);
  }
  const { calls, output } = traceModel(model, input);
  const rows = rowsOf(calls, explain, {
    spec: (c) => bySpec.get(c.module) ?? null,
    name: (c, index) => {
      const spec = bySpec.get(c.module);
      return spec?.name ?? (spec ? `${className(spec)}-${index}` : c.module.constructor.name);
    },
  });
  return resultOf(input, output, rows, explain);
}

/** The totals' working, for `formatSummary` with explanations. */
export function totalsExplanation(result: SummaryResult): string[] {
  const t = result.totals;
  const macTerms = result.rows.filter((r) => r.macs !== null && r.macs !== 0).map((r) => r.macs as number);
  return [
    line('total params', result.rows.map((r) => r.params).join(' + ') || '0', t.params).text,
    line('total MACs', macTerms.length ? macTerms.join(' + ') : '0', t.macs).text,
    line('FLOPs', `2 * ${t.macs}`, t.flops).text + '  (2 * MACs: one multiply and one add each)',
  ];
}
