/**
 * `exportOnnx(model, exampleInput, { opset })`: runs the model once in eval mode (as
 * torch.onnx.export does) and records what actually executes — every op through `observeOps`, so
 * custom Module subclasses with functional forwards export as well as Sequential — plus, as single
 * nodes, the layers listed in export_units.ts. Parameters and buffers become initializers named by
 * their state-dict keys; every other tensor the forward creates becomes a Constant. Shapes are
 * those of the example input (static, as PyTorch's default). Opset 17 / IR 8 by default
 * (13–17 accepted); explicit pads everywhere, never auto_pad.
 */
import { create } from '@bufbuild/protobuf';
import { ValueError, fmtValue } from '../errors.js';
import type { OpEvent } from '../op.js';
import { observeOps } from '../op.js';
import { noGrad } from '../autograd/tape.js';
import { Tensor, isTensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import type { AnyModule } from '../nn/module.js';
import { GraphBuilder } from './export_graph.js';
import { LOWERINGS } from './export_ops.js';
import { unitFor } from './export_units.js';
import type { UnitLowering } from './export_units.js';
import { encodeModel, newModel, onnxType } from './proto.js';
import { GraphProtoSchema, OperatorSetIdProtoSchema, ValueInfoProtoSchema } from './gen/onnx_pb.js';
import type { ValueInfoProto } from './gen/onnx_pb.js';

export interface ExportOnnxOptions {
  /** ONNX opset, 13 to 17 (default 17). */
  opset?: number;
  /** Graph input names (default "input", or "input.0", "input.1", ... for several). */
  inputNames?: readonly string[];
  /** Graph output names (default "output", or "output.0", ...). */
  outputNames?: readonly string[];
  /** Stored as the model's doc_string. */
  docString?: string;
  /**
   * Declare dim 0 of inputs and outputs as a symbolic "batch" and write Reshapes that keep dim 0
   * batch-free (default false: every shape as traced). Ops whose ONNX form carries other static
   * shapes (Expand, functional layer norms) still fix the batch; onnxruntime then reports the
   * mismatch rather than computing something else.
   */
  dynamicBatch?: boolean;
}

type Event = { kind: 'op'; e: OpEvent } | { kind: 'unit'; module: AnyModule; lower: UnitLowering; inputs: unknown[]; outputs: Tensor[] };

/** Tensors of a (nested) array or a tensor, in order. */
function flatTensors(v: unknown): Tensor[] {
  if (isTensor(v)) return [v];
  if (Array.isArray(v)) return v.flatMap(flatTensors);
  return [];
}

/** Runs `fn` with every unit module's forward wrapped to record one event and hide its inner ops. */
function trace(model: AnyModule, opset: number, fn: () => unknown): { events: Event[]; output: unknown } {
  const events: Event[] = [];
  let depth = 0;
  const restore: (() => void)[] = [];
  for (const m of model.modules()) {
    const lower = unitFor(m, opset);
    if (lower === null) continue;
    const forward = m.forward;
    const wrapped = (...inputs: unknown[]): unknown => {
      const outer = depth === 0;
      depth++;
      let out: unknown;
      try {
        out = forward.apply(m, inputs);
      } finally {
        depth--;
      }
      if (outer) events.push({ kind: 'unit', module: m, lower, inputs, outputs: flatTensors(out) });
      return out;
    };
    Object.defineProperty(m, 'forward', { value: wrapped, configurable: true, writable: true });
    restore.push(() => delete (m as { forward?: unknown }).forward);
  }
  try {
    const output = observeOps((e) => {
      if (depth === 0) events.push({ kind: 'op', e });
    }, fn);
    return { events, output };
  } finally {
    for (const r of restore) r();
  }
}

function valueInfo(name: string, t: Tensor, dynamicBatch: boolean): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: { elemType: onnxType(t.dtype), shape: { dim: t.shape.map((d, i) => ({ value: dynamicBatch && i === 0 ? { case: 'dimParam' as const, value: 'batch' } : { case: 'dimValue' as const, value: BigInt(d) } })) } },
      },
    },
  });
}

function names(given: readonly string[] | undefined, n: number, base: string, arg: string): string[] {
  if (given === undefined) return n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}.${i}`);
  if (!Array.isArray(given) || given.length !== n || !given.every((s) => typeof s === 'string' && s !== '') || new Set(given).size !== n) {
    throw new ValueError({ op: 'exportOnnx', arg: `options.${arg}`, expected: `${n} distinct non-empty names`, got: fmtValue(given) });
  }
  return [...given];
}

/** The model as ONNX protobuf bytes; see the module comment. */
export function exportOnnx(model: AnyModule, exampleInput: Tensor | readonly Tensor[], options: ExportOnnxOptions = {}): Uint8Array {
  const op = 'exportOnnx';
  if (!(model instanceof Module)) throw new ValueError({ op, arg: 'model', expected: 'a Module', got: fmtValue(model) });
  const inputs = isTensor(exampleInput) ? [exampleInput] : exampleInput;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every(isTensor)) {
    throw new ValueError({ op, arg: 'exampleInput', expected: 'a Tensor or a non-empty array of Tensors', got: fmtValue(exampleInput) });
  }
  for (const k of Object.keys(options)) {
    if (!['opset', 'inputNames', 'outputNames', 'docString', 'dynamicBatch'].includes(k)) throw new ValueError({ op, arg: `options.${k}`, expected: 'one of opset, inputNames, outputNames, docString, dynamicBatch', got: `unknown option "${k}"` });
  }
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 13 || opset > 17) throw new ValueError({ op, arg: 'options.opset', expected: 'an integer from 13 to 17', got: fmtValue(opset) });

  const params = new Map<Tensor, string>();
  for (const [k, t] of model.namedParameters()) params.set(t, k);
  for (const [k, t] of model.namedBuffers()) params.set(t, k);
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  let traced: { events: Event[]; output: unknown };
  try {
    traced = trace(model, opset, () => noGrad(() => model.forward(...inputs)));
  } finally {
    for (const [m, t] of modes) m.training = t;
  }

  const g = new GraphBuilder(opset, params, options.dynamicBatch === true);
  const inNames = names(options.inputNames, inputs.length, 'input', 'inputNames');
  inputs.forEach((t, i) => g.bind(t, inNames[i]!));
  // outputs of ops that have no ONNX counterpart here (e.g. max-pool indices) must not be used
  const unexported = new Map<Tensor, string>();
  const nameOf = (t: Tensor): string => {
    const why = unexported.get(t);
    if (why !== undefined && !g.has(t)) throw new ValueError({ op, arg: 'model', expected: 'a forward pass made of exportable ops', got: why });
    return g.value(t);
  };
  for (const ev of traced.events) {
    if (ev.kind === 'unit') {
      const outs = ev.lower(g, ev.module, ev.inputs, ev.outputs);
      ev.outputs.forEach((t, i) => g.bind(t, outs[i]!));
      continue;
    }
    const e = ev.e;
    const lower = LOWERINGS[e.name];
    if (lower === undefined) {
      const hint = e.name === 'dropoutMask' ? ' (dropout in training mode: call it with training: this.training)' : '';
      throw new ValueError({
        op,
        arg: 'model',
        expected: `ops with an ONNX translation (${Object.keys(LOWERINGS).join(', ')})`,
        got: `op "${e.name}"`,
        message: `${op}: the forward pass runs op "${e.name}", which has no ONNX translation${hint}`,
      });
    }
    const outs = lower(g, e, e.inputs.map(nameOf));
    e.outputs.forEach((t, i) => {
      if (outs[i] !== undefined) g.bind(t, outs[i]!);
      else unexported.set(t, `output ${i} of op "${e.name}", which ONNX export does not produce`);
    });
  }

  const outputs = flatTensors(traced.output);
  if (outputs.length === 0) throw new ValueError({ op, arg: 'model', expected: 'a forward returning tensors', got: fmtValue(traced.output) });
  const outNames = names(options.outputNames, outputs.length, 'output', 'outputNames');
  const graphInputs = new Set(inNames);
  const taken = new Set<string>();
  outputs.forEach((t, i) => {
    const v = nameOf(t);
    // give the producing node's value the output name; inputs, parameters and repeats go through Identity
    if (g.isNodeOutput(v) && !graphInputs.has(v) && !taken.has(v)) g.rename(v, outNames[i]!);
    else g.node('Identity', [v], {}, [outNames[i]!]);
    taken.add(outNames[i]!);
  });

  const graph = create(GraphProtoSchema, {
    name: model.constructor.name,
    node: g.nodes,
    initializer: g.initializers,
    input: inputs.map((t, i) => valueInfo(inNames[i]!, t, options.dynamicBatch === true)),
    output: outputs.map((t, i) => valueInfo(outNames[i]!, t, options.dynamicBatch === true)),
  });
  return encodeModel(
    newModel({
      irVersion: 8n,
      producerName: 'convkit',
      producerVersion: '0.1.0',
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(opset) })],
      graph,
      ...(options.docString === undefined ? {} : { docString: options.docString }),
    }),
  );
}
