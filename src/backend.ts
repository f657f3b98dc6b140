/**
 * Backends are tables of kernels keyed by op name. The reference backend is complete; a faster
 * backend may hold only some kernels and falls back to the reference for the rest.
 */
import type { Data } from './dtype.js';
import { BackendError, fmtValue } from './errors.js';
import { reference } from './backends/reference/index.js';

/**
 * A destination-passing kernel: reads `ins`, writes every element of `outs` (freshly allocated,
 * zero-filled, sized by the op's shape rule). `info` is what the op's shape rule returned.
 */
export type Kernel<I> = (info: I, outs: Data[], ins: Data[]) => void;

export interface Backend {
  readonly name: string;
  /** Kernels keyed by op name. `never` lets each entry take its own op's info type. */
  readonly kernels: Readonly<Record<string, Kernel<never>>>;
}

const backends = new Map<string, Backend>([[reference.name, reference]]);
/** The reference backend is complete: every other backend falls back to it kernel by kernel. */
const fallback: Backend = reference;
let current: Backend = reference;

/** Makes a backend selectable by name with `setBackend`. */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) {
    throw new BackendError({
      op: 'setBackend',
      arg: 'name',
      expected: `one of ${[...backends.keys()].map((k) => JSON.stringify(k)).join(', ')}`,
      got: fmtValue(name),
    });
  }
  current = b;
}

export function getBackend(): string {
  return current.name;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** The kernel for `op` on the current backend, else on the reference. */
export function kernelFor(op: string): Kernel<never> {
  const k = current.kernels[op] ?? fallback.kernels[op];
  if (!k) {
    throw new BackendError({
      op,
      arg: 'backend',
      expected: `a kernel for ${op}`,
      got: `none on backend ${getBackend()}`,
      message: `${op}: no kernel registered on backend "${getBackend()}" or the reference backend`,
    });
  }
  return k;
}
