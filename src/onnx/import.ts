/**
 * `importOnnx(bytes)` → an `OnnxModule`: a Module that runs the graph node by node with convkit
 * ops, so it can be evaluated, differentiated, fine-tuned and exported again. Float initializers
 * are parameters (nested by their dotted names, so `stateDict()` keys are the initializer names),
 * except BatchNormalization's running mean and variance, which are buffers; integer initializers
 * (shapes, indices) are constants. Everything that can be checked without running is checked at
 * import: IR 3–8, opset 11–17 of the default domain, every op and attribute known
 * (`SUPPORTED_ONNX_OPS`), the graph in topological order.
 */
import { ValueError, FormatError, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { isTensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import type { AnyModule } from '../nn/module.js';
import { decodeModel, decodeTensor, toConvkit } from './proto.js';
import type { AttrValue, Ctx, NodeInfo, OpSpec } from './import_spec.js';
import { Attrs, decodeAttribute, nodeError } from './import_spec.js';
import { GENERAL_OPS } from './import_ops.js';
import { NN_OPS } from './import_nn.js';
import { RECURRENT_OPS } from './import_recurrent.js';

const OPS: Readonly<Record<string, OpSpec>> = { ...GENERAL_OPS, ...NN_OPS, ...RECURRENT_OPS };

/** The ONNX ops importOnnx runs. */
export const SUPPORTED_ONNX_OPS: readonly string[] = Object.keys(OPS).sort();

interface Step {
  info: NodeInfo;
  spec: OpSpec;
  attrs: Attrs;
  inputs: string[];
  outputs: string[];
}

/** A holder for parameters whose names have dots (`features.0.weight` → features → 0 → weight). */
class Scope extends Module<never[], never> {
  forward(): never {
    throw new ValueError({ op: 'OnnxModule', arg: 'this', expected: 'the OnnxModule itself', got: 'a parameter scope' });
  }
}

export class OnnxModule extends Module<Tensor[], Tensor | Tensor[]> {
  /** Graph input and output names, in order. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Declared input shapes (symbolic or unknown dims as null). */
  readonly inputShapes: readonly (readonly (number | null)[])[];
  /** Opset of the default domain. */
  readonly opset: number;
  private readonly _steps: readonly Step[];
  private readonly _values: ReadonlyMap<string, () => Tensor>;

  constructor(inputNames: string[], inputShapes: (number | null)[][], outputNames: string[], opset: number, steps: Step[], inits: Map<string, { t: Tensor; kind: 'param' | 'buffer' | 'const' }>) {
    super();
    this.inputNames = inputNames;
    this.inputShapes = inputShapes;
    this.outputNames = outputNames;
    this.opset = opset;
    this._steps = steps;
    const values = new Map<string, () => Tensor>();
    for (const [name, { t, kind }] of inits) {
      if (kind === 'const') {
        values.set(name, () => t);
        continue;
      }
      const path = name.split('.');
      const ok = path.every((p) => p !== '');
      let owner: AnyModule = this as unknown as AnyModule;
      let leaf = name;
      if (ok && path.length > 1) {
        for (const p of path.slice(0, -1)) {
          const child = [...owner.namedChildren()].find(([k]) => k === p)?.[1];
          if (child) owner = child;
          else {
            const s = new Scope() as unknown as AnyModule;
            owner.registerModule(p, s);
            owner = s;
          }
        }
        leaf = path[path.length - 1]!;
      } else if (!ok) leaf = name.replace(/\./g, '_');
      if (kind === 'param') owner.registerParameter(leaf, t.requiresGrad_(true));
      else owner.registerBuffer(leaf, t);
      const holder = owner;
      const key = leaf;
      values.set(name, () => (kind === 'param' ? [...holder.namedParameters(false)] : [...holder.namedBuffers(false)]).find(([k]) => k === key)![1]);
    }
    this._values = values;
  }

  /** Runs the graph on the inputs (as many as `inputNames`); one output → a Tensor, several → an array. */
  forward(...inputs: Tensor[]): Tensor | Tensor[] {
    return this.run(inputs, null);
  }

  /** One row per node: name, op, output shapes and the parameter elements it reads (for summaries). */
  nodeTable(...inputs: Tensor[]): { name: string; op: string; shapes: number[][]; params: number }[] {
    const rows: { name: string; op: string; shapes: number[][]; params: number }[] = [];
    this.run(inputs, rows);
    return rows;
  }

  private run(inputs: Tensor[], rows: { name: string; op: string; shapes: number[][]; params: number }[] | null): Tensor | Tensor[] {
    const op = 'OnnxModule.forward';
    if (inputs.length !== this.inputNames.length || !inputs.every(isTensor)) {
      throw new ValueError({ op, arg: 'inputs', expected: `${this.inputNames.length} tensors (${this.inputNames.join(', ')})`, got: fmtValue(inputs) });
    }
    const env = new Map<string, Tensor>();
    this.inputNames.forEach((n, i) => env.set(n, inputs[i]!));
    const get = (name: string, step: Step): Tensor | null => {
      if (name === '') return null;
      const v = env.get(name) ?? this._values.get(name)?.();
      if (v === undefined) throw nodeError(step.info, `input "${name}"`, 'a value computed earlier', 'nothing');
      return v;
    };
    for (const s of this._steps) {
      const ins = s.inputs.map((n) => get(n, s));
      const ctx: Ctx = {
        node: s.info,
        attrs: s.attrs,
        inputs: ins,
        outputs: s.outputs.length,
        input: (i) => {
          const t = ins[i];
          if (t === null || t === undefined) throw nodeError(s.info, `input ${i}`, 'a tensor', 'nothing');
          return t;
        },
      };
      const outs = s.spec.run(ctx);
      if (rows !== null) {
        const params = s.inputs.filter((n) => this._values.has(n) && !env.has(n)).reduce((p, n) => p + (this._values.get(n)!().dtype === 'int32' ? 0 : this._values.get(n)!().numel), 0);
        rows.push({ name: s.info.name, op: s.info.op, shapes: outs.map((t) => [...t.shape]), params });
      }
      s.outputs.forEach((n, i) => {
        if (n !== '' && outs[i] !== undefined) env.set(n, outs[i]!);
      });
    }
    const res = this.outputNames.map((n) => {
      const v = env.get(n) ?? this._values.get(n)?.();
      if (v === undefined) throw new FormatError({ op, arg: 'graph', expected: `a value for output "${n}"`, got: 'nothing' });
      return v;
    });
    return res.length === 1 ? res[0]! : res;
  }

  override extraRepr(): string {
    return `inputs=${this.inputNames.join(', ')}, outputs=${this.outputNames.join(', ')}, opset=${this.opset}, nodes=${this._steps.length}`;
  }
}

/** An ONNX model (protobuf bytes) as a trainable Module; see the module comment. */
export function importOnnx(bytes: Uint8Array): OnnxModule {
  const op = 'importOnnx';
  if (!(bytes instanceof Uint8Array)) throw new ValueError({ op, arg: 'bytes', expected: 'a Uint8Array', got: fmtValue(bytes) });
  const model = decodeModel(op, bytes);
  const bad = (arg: string, expected: string, got: string) => new FormatError({ op, arg, expected, got, message: `${op}: ${arg} must be ${expected}, got ${got}` });
  const ir = Number(model.irVersion);
  if (ir < 3 || ir > 8) throw bad('ir_version', 'from 3 to 8', String(model.irVersion));
  const defaultSet = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  const opset = defaultSet ? Number(defaultSet.version) : 0;
  if (opset < 11 || opset > 17) throw bad('opset_import', 'the default domain at opset 11 to 17', defaultSet ? String(opset) : 'no default-domain opset');
  const graph = model.graph;
  if (graph === undefined) throw bad('graph', 'a graph', 'none');
  if (graph.sparseInitializer.length > 0) throw bad('graph.sparse_initializer', 'none (sparse tensors are not supported)', `${graph.sparseInitializer.length}`);

  const inits = new Map<string, { t: Tensor; kind: 'param' | 'buffer' | 'const' }>();
  const buffersByBN = new Set<string>();
  for (const n of graph.node) if (n.opType === 'BatchNormalization') for (const k of n.input.slice(3, 5)) buffersByBN.add(k);
  for (const init of graph.initializer) {
    const where = `initializer "${init.name}"`;
    const t = toConvkit(op, where, decodeTensor(op, where, init));
    const kind = t.dtype === 'int32' ? 'const' : buffersByBN.has(init.name) ? 'buffer' : 'param';
    inits.set(init.name, { t, kind });
  }
  // IR 3 lists initializers among the inputs too: the real inputs are the rest
  const realInputs = graph.input.filter((v) => !inits.has(v.name));
  const inputNames = realInputs.map((v) => v.name);
  const inputShapes = realInputs.map((v) => {
    const t = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
    return (t?.shape?.dim ?? []).map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : null));
  });
  const outputNames = graph.output.map((v) => v.name);

  const known = new Set<string>([...inputNames, ...inits.keys()]);
  const steps: Step[] = graph.node.map((n, i) => {
    const info: NodeInfo = { name: n.name || `${n.opType}_${i}`, op: n.opType, opset };
    if (n.domain !== '' && n.domain !== 'ai.onnx') throw nodeError(info, 'domain', 'the default ONNX domain', n.domain);
    const spec = Object.hasOwn(OPS, n.opType) ? OPS[n.opType] : undefined;
    if (spec === undefined) throw nodeError(info, 'op', `one of the supported ops (${SUPPORTED_ONNX_OPS.join(', ')})`, n.opType);
    const map = new Map<string, AttrValue>();
    for (const a of n.attribute) {
      if (!spec.attrs.includes(a.name)) throw nodeError(info, `attribute "${a.name}"`, spec.attrs.length ? `one of ${spec.attrs.join(', ')}` : 'absent (this op takes none)', 'present');
      map.set(a.name, decodeAttribute(info, a));
    }
    const attrs = new Attrs(info, map);
    spec.check?.(attrs);
    const outputs = [...n.output];
    while (outputs.length > 0 && outputs[outputs.length - 1] === '') outputs.pop();
    if (outputs.length > (spec.outputs ?? 1)) throw nodeError(info, `output ${spec.outputs ?? 1}`, `at most ${spec.outputs ?? 1} outputs (the others are not computed)`, `${outputs.length} outputs`);
    for (const v of n.input) if (v !== '' && !known.has(v)) throw nodeError(info, `input "${v}"`, 'a graph input, an initializer or an earlier node output (nodes in topological order)', 'undefined');
    for (const v of outputs) known.add(v);
    return { info, spec, attrs, inputs: [...n.input], outputs };
  });
  for (const o of outputNames) if (!known.has(o)) throw bad('graph.output', 'values the graph computes', `"${o}"`);
  return new OnnxModule(inputNames, inputShapes, outputNames, opset, steps, inits);
}
