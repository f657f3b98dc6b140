/**
 * `summary(model, inputShape)`, torchinfo style: one forward pass on zeros (trace.ts) gives every
 * module call and the ops it ran. Each call below the model is a row (depth-indented like
 * torchinfo's); the model itself is a row only when it is a single layer or runs ops of its own.
 * A row's parameters are the module's own (so nested modules are counted once), its MACs the sum
 * of its ops' own counts (op_counts.ts), and its working the layer's shape and parameter formulas
 * (when the module stands for a layer spec) with the MACs written from those ops.
 */
import { ValueError, fmtValue } from '../errors.js';
import type { AnyModule } from '../nn/module.js';
import type { DType } from '../dtype.js';
import { analyzeLayer, declaredMacs } from './layers.js';
import type { LayerAnalysis } from './layers.js';
import { isMacsSlot, line, prodText, product } from './explain.js';
import { countOp, macsWorking, mergeOther } from './op_counts.js';
import { specOf } from './module_spec.js';
import type { Explanation, LayerSpec, SummaryResult, SummaryRow } from './spec.js';
import { BYTES_PER_ELEMENT } from './spec.js';
import { traceModel } from './trace.js';
import type { ModuleCall } from './trace.js';

export interface ModelSummaryOptions {
  explain?: boolean;
  /** dtype of the zeros the model is run on (default float32). */
  dtype?: DType;
}

/** How the rows of a traced model are named and described (summarize() passes its specs). */
export interface RowSource {
  spec(call: ModuleCall): LayerSpec | null;
  name(call: ModuleCall, index: number): string;
}

const moduleSource: RowSource = {
  spec: (c) => specOf(c.module, c.input.length),
  name: (c) => `${c.path || '(root)'} (${c.module.constructor.name})`,
};

function ownCounts(m: AnyModule): { params: number; trainable: number; buffers: number } {
  let params = 0;
  let trainable = 0;
  for (const p of m.parameters(false)) {
    params += p.numel;
    if (p.requiresGrad) trainable += p.numel;
  }
  let buffers = 0;
  // float state only: num_batches_tracked is a counter, not statistics
  for (const b of m.buffers(false)) if (b.dtype !== 'int32') buffers += b.numel;
  return { params, trainable, buffers };
}

/** The rows of a trace: every call below the model, and the model itself when it is a layer or runs ops. */
export function rowsOf(calls: readonly ModuleCall[], explain: boolean, source: RowSource): SummaryRow[] {
  const root = calls[0];
  const rows: SummaryRow[] = [];
  for (const call of calls) {
    if (call === root && calls.length > 1 && !call.events.some((e) => e.def !== null)) continue;
    const index = rows.length + 1;
    rows.push(rowOf(call, index, explain, source));
  }
  return rows;
}

function rowOf(call: ModuleCall, index: number, explain: boolean, source: RowSource): SummaryRow {
  const spec = source.spec(call);
  const counts = call.events.map(countOp);
  const declared = spec?.type === 'custom' ? spec : null;
  let a: LayerAnalysis | null = null;
  if (spec !== null) a = analyzeLayer(spec, call.input, explain);
  const own = ownCounts(call.module);
  const params = declared ? a!.params : own.params;
  const trainable = declared ? a!.trainable : own.trainable;
  const work = macsWorking(counts);
  const macs = declared ? declaredMacs(declared) : work.value;
  const activationElements = a?.activationElements ?? product(call.output);
  const mem = activationElements * BYTES_PER_ELEMENT;
  let lines: Explanation[] = [];
  if (explain) {
    const base = a?.explain ?? [line('params', '', params, 'the module\'s own parameters'), { quantity: 'MACs', formula: '', value: 0, text: '', note: '' }, line('activations', prodText(call.output), activationElements, 'output elements kept for backward')];
    lines = base.map((e) => (isMacsSlot(e) && !declared ? line('MACs', work.formula, work.value, work.note || e.note) : e));
    lines.push(line('activation memory', `${activationElements} * ${BYTES_PER_ELEMENT}`, mem, 'bytes, float32'));
  }
  const ops = [...new Set(counts.filter((c) => c.macs > 0 || c.other.length > 0).map((c) => c.op))];
  return {
    index,
    depth: Math.max(0, call.depth - 1),
    name: source.name(call, index),
    type: spec?.type ?? 'custom',
    description: a?.description ?? (ops.length ? `ops: ${ops.join(', ')}` : 'no ops of its own'),
    inputShape: call.input.slice(),
    outputShape: call.output.slice(),
    params,
    trainable,
    buffers: declared ? 0 : own.buffers,
    macs,
    macsNote: a?.macsNote ?? '',
    otherOps: mergeOther(counts.map((c) => c.other)),
    activationElements,
    activationMemory: mem,
    explain: lines,
  };
}

/** Totals of the rows, and the result object. */
export function resultOf(inputShape: readonly number[], outputShape: readonly number[], rows: SummaryRow[], explain: boolean): SummaryResult {
  const sum = (f: (r: SummaryRow) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const params = sum((r) => r.params);
  const trainable = sum((r) => r.trainable);
  const macs = sum((r) => r.macs ?? 0);
  return {
    inputShape: inputShape.slice(),
    outputShape: outputShape.slice(),
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
      inputMemory: product(inputShape) * BYTES_PER_ELEMENT,
      paramMemory: params * BYTES_PER_ELEMENT,
    },
  };
}

/** Summarises `model` for a batched `inputShape` (e.g. [1, 1, 28, 28]), torchinfo style. */
export function summary(model: AnyModule, inputShape: readonly number[], options: ModelSummaryOptions = {}): SummaryResult {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValueError({ op: 'summary', arg: 'inputShape', expected: 'a batched input shape of positive integers, e.g. [1, 1, 28, 28]', got: fmtValue(inputShape) });
  }
  const explain = options.explain ?? false;
  const { calls, output } = traceModel(model, inputShape, options.dtype ?? 'float32');
  return resultOf(inputShape, output, rowsOf(calls, explain, moduleSource), explain);
}
