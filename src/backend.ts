/**
 * Backends: a device where tensors live and a table of kernels keyed by op definition. The
 * reference kernels are part of each op's definition (`OpDef.reference`), so every op runs
 * everywhere; a backend holds the kernels it makes faster, and an op without one on the current
 * backend runs its reference kernel (its inputs move to JavaScript memory, counted).
 */
import type { DType, Data } from './dtype.js';
import { BackendError, fmtValue } from './errors.js';
import type { OpDef, OpInfo } from './op.js';
import type { Device } from './storage.js';

/**
 * A destination-passing kernel: reads `ins`, writes every element of `outs` (contents undefined
 * on devices, zero-filled on the host), sized by the op's shape rule. `info` is the plan the op's
 * shape rule returned. For in-place ops, `outs[k]` is the very buffer `ins[op.inplace[k]]`.
 */
export type Kernel<I, B = Data> = (info: I, outs: B[], ins: B[]) => void;

/** A device kernel may decline at run time by returning false (scratch memory could not be had): the reference kernel then runs. */
export type DeviceKernel<I, B> = (info: I, outs: B[], ins: B[]) => void | boolean;

export interface KernelEntry<I, B> {
  readonly run: DeviceKernel<I, B>;
  /**
   * False where this backend cannot run the plan (dtype, size): the reference kernel runs instead.
   * `locations`: where each input's values are now ('host' or a device name).
   */
  readonly supports?: (info: I, dtypes: readonly DType[], locations: readonly string[]) => boolean;
}

/** Kernels keyed by op definition, each typed by its op's plan. */
export class KernelTable<B> {
  // One map for every op, so entries are stored type-erased; `set`/`get` re-attach the op's plan
  // type, which is sound because an entry is only ever stored under the op it was typed for.
  private readonly map = new Map<object, KernelEntry<unknown, B>>();

  set<A, I extends OpInfo>(op: OpDef<A, I>, k: DeviceKernel<I, B> | KernelEntry<I, B>): this {
    this.map.set(op, (typeof k === 'function' ? { run: k } : k) as KernelEntry<unknown, B>);
    return this;
  }

  get<A, I extends OpInfo>(op: OpDef<A, I>): KernelEntry<I, B> | undefined {
    return this.map.get(op) as KernelEntry<I, B> | undefined;
  }

  has(op: object): boolean {
    return this.map.has(op);
  }

  get size(): number {
    return this.map.size;
  }
}

export interface Backend<B = unknown> {
  readonly name: string;
  /** Where this backend's tensors live; null: JavaScript memory (typed arrays). */
  readonly device: Device<B> | null;
  readonly kernels: KernelTable<B>;
  /** Resolves when the backend can run (a GPU device acquired); absent (undefined) while no wait is needed. */
  readonly init?: (() => Promise<void>) | undefined;
}

/** The reference backend: JavaScript memory and each op's own reference kernel. */
export const reference: Backend<Data> = { name: 'reference', device: null, kernels: new KernelTable<Data>() };

const backends = new Map<string, Backend>([[reference.name, reference as Backend]]);
let current: Backend = reference as Backend;

/** Makes a backend selectable by name with `setBackend`. */
export function registerBackend<B>(b: Backend<B>): void {
  backends.set(b.name, b as Backend);
}

/**
 * Selects the backend ops run on. Returns a promise that resolves once the backend is ready (a
 * GPU backend acquires its device first; the CPU backends are ready at once, so their selection
 * takes effect before the promise is even awaited). A backend that cannot start rejects with a
 * typed error and the previous backend stays selected.
 */
export function setBackend(name: string): Promise<void> {
  const b = backends.get(name);
  if (!b) {
    throw new BackendError({
      op: 'setBackend',
      arg: 'name',
      expected: `one of ${[...backends.keys()].map((k) => JSON.stringify(k)).join(', ')}`,
      got: fmtValue(name),
    });
  }
  if (!b.init) {
    current = b;
    return Promise.resolve();
  }
  return b.init().then(() => {
    current = b;
  });
}

export function getBackend(): string {
  return current.name;
}

/** The selected backend (the dispatcher's view). @internal */
export function currentBackend(): Backend {
  return current;
}

/** A registered backend by name. @internal */
export function backendByName(name: string): Backend | undefined {
  return backends.get(name);
}

export function listBackends(): string[] {
  return [...backends.keys()];
}
