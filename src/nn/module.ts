/**
 * `Module`, the base of every layer (PyTorch's torch.nn.Module). A module owns parameters
 * (tensors that require grad), buffers (state that is saved but not trained, e.g. BatchNorm's
 * running statistics) and submodules. They are registered either explicitly
 * (`registerParameter/registerBuffer/registerModule`, which also take torch's snake_case names such
 * as `running_mean` or `weight_ih_l0`) or implicitly by assigning an own field: a field holding a
 * Module is a submodule, a field holding a leaf tensor with requiresGrad is a parameter, a field
 * named like a registered buffer replaces it, null clears a registered name; fields whose name
 * starts with `_` are ignored, and so are arrays/objects of modules (use ModuleList or
 * Sequential). Names are listed in registration/field order; traversals are pre-order (a module's
 * own parameters before its children's), as in torch.
 *
 * JS instances cannot be called, so `module.forward(x)` runs the computation and `module.call(x)`
 * runs it and then the forward hooks. Composite modules call their children through `call`.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import type { DType } from '../dtype.js';
import { Tensor, isTensor } from '../tensor.js';
import { copy_ } from '../ops/inplace.js';
import { noGrad } from '../autograd/tape.js';

/**
 * A module of any signature (what containers and traversals yield): its `call` accepts any
 * arguments and hooks registered on it see `inputs: any[]` and `output: unknown`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- inputs of an unknown signature; every Module<In, Out> must be assignable here
export type AnyModule = Module<any[], unknown>;

/** Called after `forward` by `call`: may return a replacement output (as torch's forward hooks). */
export type ForwardHook<In extends unknown[] = unknown[], Out = unknown> = (module: Module<In, Out>, inputs: In, output: Out) => Out | void;

/** Removes a hook: call it, or call its `remove()` (torch's RemovableHandle). */
export type HookRemover = (() => void) & { remove(): void };

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Missing and unexpected keys are errors (default true). Shape mismatches always are. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** A parameter: a leaf tensor that requires grad (torch.nn.Parameter). */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  if (!t.isLeaf) throw new ValueError({ op: 'Parameter', arg: 'data', expected: 'a leaf tensor', got: 'the output of an op (detach() it first)' });
  return t.requiresGrad_(requiresGrad);
}

export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (Dropout and BatchNorm behave differently); set by `train()`/`eval()`. */
  training = true;
  private _params = new Map<string, Tensor | null>();
  private _buffers = new Map<string, Tensor | null>();
  private _nonPersistent = new Set<string>();
  private _modules = new Map<string, AnyModule | null>();
  // stored type-erased so that every Module<In, Out> stays assignable to AnyModule
  private _hooks = new Map<number, (module: unknown, inputs: unknown, output: unknown) => unknown>();
  private _hookId = 0;

  abstract forward(...inputs: In): Out;

  /** forward, then every forward hook in registration order (a hook may replace the output). */
  call(...inputs: In): Out {
    let out = this.forward(...inputs);
    for (const h of [...this._hooks.values()]) {
      const r = h(this, inputs, out);
      if (r !== undefined) out = r as Out;
    }
    return out;
  }

  /** Registers `fn(module, inputs, output)` to run after every `call`; returns its remover. */
  registerForwardHook(fn: ForwardHook<In, Out>): HookRemover {
    if (typeof fn !== 'function') throw new ValueError({ op: 'registerForwardHook', arg: 'fn', expected: 'a function', got: typeof fn });
    const id = this._hookId++;
    this._hooks.set(id, fn as (module: unknown, inputs: unknown, output: unknown) => unknown);
    const remove = (): void => {
      this._hooks.delete(id);
    };
    return Object.assign(remove, { remove });
  }

  /** The torch class name shown by toString (the JS class name). */
  protected get typeName(): string {
    return this.constructor.name;
  }

  private static checkName(op: string, name: unknown): string {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new ValueError({ op, arg: 'name', expected: 'a non-empty string without "."', got: JSON.stringify(name) });
    }
    return name;
  }

  /** Registers (or replaces, or with null declares absent) a parameter under `name`. */
  registerParameter(name: string, param: Tensor | null): void {
    Module.checkName('registerParameter', name);
    if (param !== null && !isTensor(param)) throw new ValueError({ op: 'registerParameter', arg: 'param', expected: 'a Tensor or null', got: typeof param });
    if (param !== null && !param.requiresGrad && param.dtype !== 'int32' && param.isLeaf) param.requiresGrad_(true);
    this._params.set(name, param);
  }

  /** Registers a buffer (saved in stateDict unless `persistent` is false, never trained). */
  registerBuffer(name: string, buffer: Tensor | null, persistent = true): void {
    Module.checkName('registerBuffer', name);
    if (buffer !== null && !isTensor(buffer)) throw new ValueError({ op: 'registerBuffer', arg: 'buffer', expected: 'a Tensor or null', got: typeof buffer });
    this._buffers.set(name, buffer);
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
  }

  /** Registers a submodule under `name` (Sequential uses "0", "1", ...). */
  registerModule(name: string, module: AnyModule | null): void {
    Module.checkName('registerModule', name);
    if (module !== null && !(module instanceof Module)) throw new ValueError({ op: 'registerModule', arg: 'module', expected: 'a Module or null', got: typeof module });
    this._modules.set(name, module);
  }

  /** Folds own fields into the registries (fields win over stale registrations of the same name). */
  private sync(): void {
    for (const k of Object.keys(this)) {
      if (k.startsWith('_') || k === 'training') continue;
      const v: unknown = (this as Record<string, unknown>)[k];
      if (v instanceof Module) this._modules.set(k, v as AnyModule);
      else if (isTensor(v)) {
        if (this._buffers.has(k)) this._buffers.set(k, v);
        else if ((v.requiresGrad && v.isLeaf) || this._params.has(k)) this._params.set(k, v);
      } else if (v === null) {
        if (this._params.has(k)) this._params.set(k, null);
        if (this._modules.has(k)) this._modules.set(k, null);
        if (this._buffers.has(k)) this._buffers.set(k, null);
      }
    }
  }

  *namedChildren(): Generator<[string, AnyModule]> {
    this.sync();
    const seen = new Set<AnyModule>();
    for (const [k, m] of this._modules) {
      if (m !== null && !seen.has(m)) {
        seen.add(m);
        yield [k, m];
      }
    }
  }

  *children(): Generator<AnyModule> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module (name '') and every descendant, depth first, each once. */
  *namedModules(prefix = '', memo: Set<AnyModule> = new Set()): Generator<[string, AnyModule]> {
    const self = this as unknown as AnyModule;
    if (memo.has(self)) return;
    memo.add(self);
    yield [prefix, self];
    this.sync();
    for (const [k, m] of this._modules) {
      if (m !== null) yield* m.namedModules(prefix === '' ? k : `${prefix}.${k}`, memo);
    }
  }

  *modules(): Generator<AnyModule> {
    for (const [, m] of this.namedModules()) yield m;
  }

  private *namedTensors(kind: 'params' | 'buffers', recurse: boolean, persistentOnly: boolean, dedupe: boolean): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, AnyModule]> = recurse ? this.namedModules() : [['', this as unknown as AnyModule]];
    for (const [prefix, m] of mods) {
      m.sync();
      const reg = kind === 'params' ? m._params : m._buffers;
      for (const [k, t] of reg) {
        if (t === null) continue;
        if (persistentOnly && kind === 'buffers' && m._nonPersistent.has(k)) continue;
        if (dedupe) {
          if (seen.has(t)) continue;
          seen.add(t);
        }
        yield [prefix === '' ? k : `${prefix}.${k}`, t];
      }
    }
  }

  /** Parameters with dotted names (`features.0.weight`), each tensor once. */
  namedParameters(recurse = true): Generator<[string, Tensor]> {
    return this.namedTensors('params', recurse, false, true);
  }

  *parameters(recurse = true): Generator<Tensor> {
    for (const [, t] of this.namedParameters(recurse)) yield t;
  }

  namedBuffers(recurse = true): Generator<[string, Tensor]> {
    return this.namedTensors('buffers', recurse, false, true);
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, t] of this.namedBuffers(recurse)) yield t;
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Sets requiresGrad on every parameter; returns this. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Casts every floating-point parameter and buffer to `dtype` (torch's `module.to(dtype)`): each
   * becomes a new tensor (requiresGrad kept, gradient dropped) registered under the same name and
   * put in the field of that name; integer buffers (num_batches_tracked) keep their dtype.
   * Returns this. Optimizers hold the tensors they were given: create them after converting.
   */
  to(dtype: DType): this {
    const d = readDType('Module.to', dtype);
    for (const m of this.modules()) {
      m.sync();
      for (const reg of [m._params, m._buffers]) {
        for (const [k, t] of reg) {
          if (t === null || t.dtype === 'int32' || t.dtype === d) continue;
          const nt = t.detach().to(d);
          if (reg === m._params) nt.requiresGrad_(t.requiresGrad);
          reg.set(k, nt);
          const fields = m as unknown as Record<string, unknown>;
          if (fields[k] === t) fields[k] = nt;
        }
      }
    }
    return this;
  }

  /** Clears the gradient of every parameter (torch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Parameters then persistent buffers of each module, with torch's key names. The tensors share
   * data with the module's (detached views, as torch's state_dict), so copy before mutating.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    // not deduplicated: a module shared under two names is saved under both (as torch)
    const walk = (m: AnyModule, prefix: string): void => {
      m.sync();
      for (const [k, t] of m._params) if (t !== null) out[prefix + k] = t.detach();
      for (const [k, t] of m._buffers) if (t !== null && !m._nonPersistent.has(k)) out[prefix + k] = t.detach();
      for (const [k, c] of m._modules) if (c !== null) walk(c, `${prefix}${k}.`);
    };
    walk(this as unknown as AnyModule, '');
    return out;
  }

  /**
   * Copies the values of `stateDict` into this module's existing parameters and buffers (cast to
   * their dtypes). Everything is checked before anything is copied: a shape mismatch is always
   * an error (ShapeError); with `strict` (default) missing and unexpected keys are too
   * (ValueError, or ShapeError when shapes are also wrong), all listed by name in one error.
   */
  loadStateDict(stateDict: StateDict | ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const op = 'loadStateDict';
    if (typeof options !== 'object' || options === null) throw new ValueError({ op, arg: 'options', expected: 'an options object', got: String(options) });
    for (const k of Object.keys(options)) {
      if (k !== 'strict') throw new ValueError({ op, arg: `options.${k}`, expected: 'one of the options strict', got: `unknown option "${k}"` });
    }
    const strict = options.strict ?? true;
    const entries: [string, unknown][] = stateDict instanceof Map ? [...(stateDict as ReadonlyMap<string, Tensor>).entries()] : Object.entries(stateDict as StateDict);
    const given = new Map<string, unknown>(entries);
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !given.has(k));
    const unexpected = [...given.keys()].filter((k) => !(k in own));
    const mismatched: string[] = [];
    for (const [k, v] of given) {
      const dst = own[k];
      if (dst === undefined) continue;
      if (!isTensor(v)) {
        mismatched.push(`${k}: expected a tensor of shape ${fmtShape(dst.shape)}, got ${typeof v}`);
        continue;
      }
      if (v.shape.length !== dst.shape.length || v.shape.some((d, i) => d !== dst.shape[i])) {
        mismatched.push(`${k}: copying a tensor of shape ${fmtShape(v.shape)} into a parameter of shape ${fmtShape(dst.shape)}`);
      }
    }
    const problems: string[] = [];
    if (strict && missing.length > 0) problems.push(`missing keys: ${missing.map((k) => JSON.stringify(k)).join(', ')}`);
    if (strict && unexpected.length > 0) problems.push(`unexpected keys: ${unexpected.map((k) => JSON.stringify(k)).join(', ')}`);
    if (mismatched.length > 0) problems.push(`size mismatch: ${mismatched.join('; ')}`);
    if (problems.length > 0) {
      const fields = {
        op,
        arg: 'stateDict',
        expected: `the ${Object.keys(own).length} keys and shapes of ${this.typeName}'s stateDict()`,
        got: problems.join('; '),
        message: `${op}: error(s) loading the state dict of ${this.typeName}: ${problems.join('; ')}`,
      };
      throw mismatched.length > 0 ? new ShapeError(fields) : new ValueError(fields);
    }
    noGrad(() => {
      for (const [k, v] of given) {
        const dst = own[k];
        if (dst !== undefined && isTensor(v)) copy_(dst, v);
      }
    });
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  /** The layer's own settings in torch's repr syntax (e.g. `1, 8, kernel_size=(3, 3)`). */
  extraRepr(): string {
    return '';
  }

  /** The architecture, formatted like torch's repr. */
  toString(): string {
    const children = [...this.namedChildren()];
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.typeName}(${extra})`;
    const lines = extra === '' ? [] : extra.split('\n');
    for (const [k, m] of children) lines.push(`(${k}): ${String(m).split('\n').join('\n  ')}`);
    return `${this.typeName}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/** Python's repr of a float (1.0, 0.1, 1e-05), for torch-style reprs. */
export function pyFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  if (v !== 0 && Math.abs(v) < 1e-4) {
    const [m, e] = v.toExponential().split('e');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(v);
}

/** Python's repr of a tuple of ints: (3,) or (3, 3). */
export function pyTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

export function pyBool(v: boolean): string {
  return v ? 'True' : 'False';
}

/** The dtype option of layers with parameters (torch's factory kwarg `dtype`). */
export function readDType(op: string, v: unknown): DType {
  if (v === undefined) return 'float32';
  if (v !== 'float32' && v !== 'float64') throw new ValueError({ op, arg: 'options.dtype', expected: '"float32" or "float64"', got: JSON.stringify(v) });
  return v;
}
