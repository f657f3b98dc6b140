/**
 * `summarize(inputShape, layers, {explain})`: walks the layer specs from a batched input shape,
 * giving one row per layer and the totals. MACs and FLOPs are kept apart and labelled:
 * FLOPs = 2·MACs (a multiply and an add); comparisons, additions and elementwise evaluations that
 * are not multiply-accumulates are reported as "other ops" and never folded into either.
 */
import { ConvkitError, ValueError, fmtValue } from '../errors.js';
import { analyzeLayer, className } from './layers.js';
import { line, product } from './explain.js';
import type { LayerSpec, SummarizeOptions, SummaryResult, SummaryRow } from './spec.js';
import { BYTES_PER_ELEMENT } from './spec.js';

type ErrorCtor = new (f: { op: string; arg: string; expected: string; got: string; message?: string }) => ConvkitError;

/** Re-raises a layer's error as the same class, prefixed with where in the model it happened. */
function inLayer(e: unknown, index: number, spec: LayerSpec): unknown {
  if (!(e instanceof ConvkitError)) return e;
  const o = spec.origin;
  const where = o !== undefined ? `layer ${o.layer} ("${o.text}") at character ${o.offset}` : `layer ${index} (${className(spec)})`;
  const Ctor = e.constructor as ErrorCtor;
  return new Ctor({ op: e.op, arg: e.arg, expected: e.expected, got: e.got, message: `summary: ${where}: ${e.message}` });
}

function checkInputShape(inputShape: unknown): number[] {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    throw new ValueError({ op: 'summarize', arg: 'inputShape', expected: 'a non-empty array of positive integers (batch first)', got: fmtValue(inputShape) });
  }
  return inputShape as number[];
}

/**
 * Summarises `layers` applied in order to an input of shape `inputShape` (batch first:
 * (N, C, ...spatial) or (N, features)). With `explain`, every row carries its working.
 */
export function summarize(inputShape: readonly number[], layers: readonly LayerSpec[], options: SummarizeOptions = {}): SummaryResult {
  const input = checkInputShape(inputShape);
  if (!Array.isArray(layers)) throw new ValueError({ op: 'summarize', arg: 'layers', expected: 'an array of layer specs', got: fmtValue(layers) });
  const explain = options.explain ?? false;
  const rows: SummaryRow[] = [];
  let shape: readonly number[] = input;
  layers.forEach((spec, i) => {
    const index = i + 1;
    shape = options.inputShapes?.[i] ?? shape;
    let a;
    try {
      a = analyzeLayer(spec, shape, explain);
    } catch (e) {
      throw inLayer(e, index, spec);
    }
    const mem = a.activationElements * BYTES_PER_ELEMENT;
    const memLine = line('activation memory', `${a.activationElements} * ${BYTES_PER_ELEMENT}`, mem, 'bytes, float32');
    rows.push({
      index,
      name: spec.name ?? `${className(spec)}-${index}`,
      type: spec.type,
      description: a.description,
      inputShape: shape.slice(),
      outputShape: a.outputShape.slice(),
      params: a.params,
      trainable: a.trainable,
      buffers: a.buffers,
      macs: a.macs,
      macsNote: a.macsNote,
      otherOps: a.otherOps,
      activationElements: a.activationElements,
      activationMemory: mem,
      explain: explain ? [...a.explain, memLine] : [],
    });
    shape = a.outputShape;
  });
  const sum = (f: (r: SummaryRow) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const params = sum((r) => r.params);
  const trainable = sum((r) => r.trainable);
  const macs = sum((r) => r.macs ?? 0);
  return {
    inputShape: input.slice(),
    outputShape: shape.slice(),
    rows,
    explained: explain,
    totals: {
      params,
      trainable,
      nonTrainable: params - trainable,
      buffers: sum((r) => r.buffers),
      macs,
      flops: 2 * macs,
      macsComplete: rows.every((r) => r.macs !== null),
      otherOps: sum((r) => r.otherOps.reduce((s, o) => s + o.count, 0)),
      activationMemory: sum((r) => r.activationMemory),
      inputMemory: product(input) * BYTES_PER_ELEMENT,
      paramMemory: params * BYTES_PER_ELEMENT,
    },
  };
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
