/** What an imported ONNX op handler sees, and the typed errors it raises (naming node, op and attribute). */
import { ValueError, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { AT } from './proto.js';
import type { AttributeProto } from './proto.js';
import { decodeTensor, toConvkit } from './proto.js';

export type AttrValue = number | number[] | string | string[] | Tensor;

export interface NodeInfo {
  readonly name: string;
  readonly op: string;
  readonly opset: number;
}

/** The error of an op, attribute or value convkit cannot run; it names the node, the op and what. */
export function nodeError(n: NodeInfo, what: string, expected: string, got: unknown): ValueError {
  return new ValueError({
    op: 'importOnnx',
    arg: `node "${n.name}" (${n.op}) ${what}`,
    expected,
    got: typeof got === 'string' ? got : fmtValue(got),
    message: `importOnnx: node "${n.name}" (${n.op}): ${what} must be ${expected}, got ${typeof got === 'string' ? got : fmtValue(got)}`,
  });
}

const utf8 = new TextDecoder();

export function decodeAttribute(n: NodeInfo, a: AttributeProto): AttrValue {
  switch (a.type) {
    case AT.INT:
      return Number(a.i);
    case AT.INTS:
      return a.ints.map(Number);
    case AT.FLOAT:
      return a.f;
    case AT.FLOATS:
      return [...a.floats];
    case AT.STRING:
      return utf8.decode(a.s);
    case AT.STRINGS:
      return a.strings.map((s) => utf8.decode(s));
    case AT.TENSOR:
      return toConvkit('importOnnx', `node "${n.name}" attribute "${a.name}"`, decodeTensor('importOnnx', `node "${n.name}" (${n.op}) attribute "${a.name}"`, a.t!));
    default:
      throw nodeError(n, `attribute "${a.name}"`, 'an INT, INTS, FLOAT, FLOATS, STRING, STRINGS or TENSOR attribute', `type ${AT[a.type] ?? a.type}`);
  }
}

export class Attrs {
  constructor(
    readonly node: NodeInfo,
    private readonly map: ReadonlyMap<string, AttrValue>,
  ) {}
  has(k: string): boolean {
    return this.map.has(k);
  }
  int(k: string, def: number): number {
    const v = this.map.get(k) ?? def;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw nodeError(this.node, `attribute "${k}"`, 'an integer', v);
    return v;
  }
  float(k: string, def: number): number {
    const v = this.map.get(k) ?? def;
    if (typeof v !== 'number') throw nodeError(this.node, `attribute "${k}"`, 'a float', v);
    return v;
  }
  ints(k: string, def: number[] | null): number[] | null {
    const v = this.map.get(k);
    if (v === undefined) return def;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw nodeError(this.node, `attribute "${k}"`, 'a list of integers', v);
    return v as number[];
  }
  floats(k: string): number[] | null {
    const v = this.map.get(k);
    if (v === undefined) return null;
    if (!Array.isArray(v)) throw nodeError(this.node, `attribute "${k}"`, 'a list of floats', v);
    return v as number[];
  }
  str(k: string, def: string): string {
    const v = this.map.get(k) ?? def;
    if (typeof v !== 'string') throw nodeError(this.node, `attribute "${k}"`, 'a string', v);
    return v;
  }
  strs(k: string): string[] | null {
    const v = this.map.get(k);
    return v === undefined ? null : (v as string[]);
  }
  tensor(k: string): Tensor | undefined {
    return this.map.get(k) as Tensor | undefined;
  }
  /** Throws unless attribute `k` is absent or one of `allowed`. */
  only(k: string, allowed: readonly (number | string)[], what = `one of ${allowed.join(', ')}`): void {
    const v = this.map.get(k);
    if (v !== undefined && !allowed.includes(v as number | string)) throw nodeError(this.node, `attribute "${k}"`, what, v);
  }
}

export interface Ctx {
  readonly node: NodeInfo;
  readonly attrs: Attrs;
  /** Inputs by position; null where the node leaves an optional input empty. */
  readonly inputs: readonly (Tensor | null)[];
  /** How many outputs the node names (trailing optional outputs may be absent). */
  readonly outputs: number;
  /** Input `i`, required. */
  input(i: number): Tensor;
}

export interface OpSpec {
  /** Attribute names the handler reads; any other attribute is an error at import time. */
  readonly attrs: readonly string[];
  /** Most outputs it produces (a node asking for more is an error at import time). */
  readonly outputs?: number;
  /** Import-time checks of attribute values (optional). */
  check?(a: Attrs): void;
  run(c: Ctx): Tensor[];
}
