/**
 * The graph under construction while a model is traced for export: value names of tensors,
 * initializers (the model's parameters and buffers, named by their state-dict keys), Constant
 * nodes for every other tensor the forward pass created (scalars, zeros...), and nodes.
 */
import type { DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import type { Attr, NodeProto, TensorProto } from './proto.js';
import { int64Proto, makeNode, tensorProto } from './proto.js';

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Map<Tensor, string>();
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(
    readonly opset: number,
    /** Parameters and buffers of the model, by state-dict name (they become initializers). */
    private readonly params: ReadonlyMap<Tensor, string>,
    /** Reshapes that keep dim 0 write 0 there (ONNX: copy the input's size), so the batch may vary. */
    readonly dynamicBatch = false,
  ) {}

  /** A new value name: `hint` if free, else `hint_N`. */
  fresh(hint = 'v'): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Names `t` (a graph input or a node output). */
  bind(t: Tensor, name: string): void {
    this.names.set(t, name);
    this.used.add(name);
  }

  has(t: Tensor): boolean {
    return this.names.has(t);
  }

  /** The value name of `t`: known values first, then parameters (as initializers), else a Constant node. */
  value(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const param = this.params.get(t);
    if (param !== undefined) {
      this.bind(t, param);
      this.initializers.push(tensorProto(param, t));
      return param;
    }
    const name = this.constant(t);
    this.names.set(t, name);
    return name;
  }

  /** Appends a node; returns its output names (`outputs` names or a count of fresh ones). */
  node(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, outputs: number | readonly string[] = 1): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(`${opType.toLowerCase()}_out`)) : [...outputs];
    this.nodes.push(makeNode(opType, inputs, outs, this.fresh(`/${opType}`), attrs));
    return outs;
  }

  /** A single-output node. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}): string {
    return this.node(opType, inputs, attrs)[0]!;
  }

  /** A Constant node holding `t`. */
  constant(t: Tensor): string {
    const out = this.fresh('const');
    this.nodes.push(makeNode('Constant', [], [out], this.fresh('/Constant'), { value: { t: tensorProto('', t) } }));
    return out;
  }

  /** A 1-d INT64 Constant (shapes, axes, pads, starts...). */
  int64s(values: readonly number[]): string {
    const out = this.fresh('const');
    this.nodes.push(makeNode('Constant', [], [out], this.fresh('/Constant'), { value: { t: int64Proto('', values) } }));
    return out;
  }

  /** A 0-d Constant of `dtype` (scalars in arithmetic, pad values, clip bounds). */
  scalar(value: number, dtype: DType): string {
    const data = dtype === 'float64' ? Float64Array.of(value) : dtype === 'float32' ? Float32Array.of(value) : Int32Array.of(value);
    return this.constant(new Tensor(data, []));
  }

  /** An initializer computed from the model's parameters (e.g. gate-reordered recurrent weights). */
  derivedInitializer(hint: string, t: Tensor): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, t));
    return name;
  }

  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.int64s(shape)]);
  }

  /** Renames value `from` to `to` everywhere (used to give graph outputs their names). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.input = n.input.map((v) => (v === from ? to : v));
      n.output = n.output.map((v) => (v === from ? to : v));
    }
    for (const [t, v] of this.names) if (v === from) this.names.set(t, to);
    this.used.add(to);
  }

  /** Whether `name` is some node's output (not a graph input, initializer or nothing). */
  isNodeOutput(name: string): boolean {
    return this.nodes.some((n) => n.output.includes(name)) && !this.initializers.some((i) => i.name === name);
  }
}
