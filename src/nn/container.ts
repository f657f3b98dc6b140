/** Containers: Sequential (children "0", "1", ... or given names) and ModuleList. */
import { ValueError, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import type { AnyModule } from './module.js';

/** A module taking and returning one tensor (what Sequential chains). */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Runs its children in order, each through `call` (so their forward hooks fire). Built from
 * modules (`new Sequential(a, b)`, named "0", "1", ...) or from one object of named modules
 * (`new Sequential({ conv: a, act: b })`, torch's OrderedDict form).
 */
export class Sequential extends Module {
  private _list: TensorModule[] = [];

  constructor(...modules: TensorModule[] | [Record<string, TensorModule>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module) && typeof first === 'object') {
      for (const [k, m] of Object.entries(first as Record<string, TensorModule>)) this.add(k, m);
    } else {
      for (const m of modules as TensorModule[]) this.append(m);
    }
  }

  private add(name: string, m: unknown): void {
    if (!(m instanceof Module)) throw new ValueError({ op: 'Sequential', arg: name, expected: 'a Module', got: fmtValue(m) });
    this.registerModule(name, m as AnyModule);
    this._list.push(m as TensorModule);
  }

  /** Adds a module at the end (named by its position); returns this. */
  append(m: TensorModule): this {
    this.add(String(this._list.length), m);
    return this;
  }

  override get length(): number {
    return this._list.length;
  }

  /** The i-th module (negative i counts from the end). */
  at(i: number): TensorModule {
    const m = this._list[i < 0 ? i + this._list.length : i];
    if (m === undefined) throw new ValueError({ op: 'Sequential.at', arg: 'index', expected: `an index in [-${this._list.length}, ${this._list.length})`, got: String(i) });
    return m;
  }

  [Symbol.iterator](): Iterator<TensorModule> {
    return this._list[Symbol.iterator]();
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this._list) x = m.call(x);
    return x;
  }
}

/** Holds modules in a list (registered "0", "1", ...); has no forward of its own. */
export class ModuleList extends Module<never[], never> {
  private _list: AnyModule[] = [];
  constructor(modules: Iterable<AnyModule> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  append(m: AnyModule): this {
    if (!(m instanceof Module)) throw new ValueError({ op: 'ModuleList.append', arg: 'module', expected: 'a Module', got: fmtValue(m) });
    this.registerModule(String(this._list.length), m);
    this._list.push(m);
    return this;
  }
  override get length(): number {
    return this._list.length;
  }
  at(i: number): AnyModule | undefined {
    return this._list[i < 0 ? i + this._list.length : i];
  }
  [Symbol.iterator](): Iterator<AnyModule> {
    return this._list[Symbol.iterator]();
  }
  forward(): never {
    throw new ValueError({ op: 'ModuleList.forward', arg: 'this', expected: 'a module with a forward', got: 'a ModuleList (iterate over it instead)' });
  }
}
