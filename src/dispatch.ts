/**
 * Running one op's kernel (docs/STORAGE.md "Dispatch"): pick the kernel — the current backend's
 * entry for the op if it supports the plan, else the op's reference kernel —, make every input
 * available on that kernel's device (moves counted by the storage), allocate the outputs there,
 * run, and wrap the outputs in storages. In-place ops write into their targets' storages.
 */
import type { DType, Data } from './dtype.js';
import { alloc } from './dtype.js';
import { numel } from './shape.js';
import type { Backend, Kernel, KernelEntry } from './backend.js';
import { currentBackend, reference } from './backend.js';
import type { OpDef, OpInfo } from './op.js';
import type { Tensor } from './tensor.js';
import type { Acquired, Device } from './storage.js';
import { Storage } from './storage.js';

/** Ops run so far per backend (and how many of them fell back to the reference kernel). */
const fallbacks = new Map<string, number>();

/** Ops of the current backend that ran their reference kernel instead, by op name. */
export function fallbackStats(): Record<string, number> {
  return Object.fromEntries(fallbacks);
}

export function resetFallbackStats(): void {
  fallbacks.clear();
}

function choose<A, I extends OpInfo>(op: OpDef<A, I>, info: I, inputs: readonly Tensor[]): [Backend, KernelEntry<I, unknown>] {
  const be = currentBackend();
  if (be !== reference) {
    const k = be.kernels.get(op.kernelOf ?? op);
    const dtypes: DType[] = inputs.map((t) => t.dtype);
    const ok = k !== undefined && (k.supports === undefined || k.supports(info, dtypes, inputs.map((t) => t._storage.location)));
    // an exposed in-place target on a device without synchronous reads could not be written back
    const blocked = ok && op.inplace !== undefined && be.device !== null && !be.device.syncReads && op.inplace.some((i) => inputs[i]!._storage.exposed);
    if (ok && !blocked) return [be, k];
    fallbacks.set(op.name, (fallbacks.get(op.name) ?? 0) + 1);
  }
  return [reference as Backend, { run: op.reference as (info: I, outs: unknown[], ins: unknown[]) => void }];
}

/** Runs `op`'s kernel for `info` and returns the output storages (the targets', for in-place ops). */
export function runKernel<A, I extends OpInfo>(op: OpDef<A, I>, info: I, inputs: readonly Tensor[]): Storage[] {
  const [be, k] = choose(op, info, inputs);
  const r = be.device ? onDevice(be.device, op, info, inputs, k) : null;
  return r ?? onHost(op, info, inputs, be.device ? op.reference : (k.run as Kernel<I, Data>));
}

/** Runs a kernel over typed arrays (the reference kernel, or a backend whose tensors live in JavaScript memory). */
function onHost<A, I extends OpInfo>(op: OpDef<A, I>, info: I, inputs: readonly Tensor[], run: Kernel<I, Data>): Storage[] {
  const ins = inputs.map((t) => t._storage.hostSync(op.name));
  const outs: Data[] = op.inplace
    ? op.inplace.map((i) => ins[i]!)
    : info.outShapes.map((s, i) => alloc(info.outDtypes[i]!, numel(s)));
  run(info, outs, ins);
  if (op.inplace) {
    return op.inplace.map((i, j) => {
      const s = inputs[i]!._storage;
      s.wrote(null, outs[j]!, false);
      return s;
    });
  }
  return outs.map((d, i) => Storage.fromHost(d, info.outDtypes[i]!));
}

/** Null when the device is out of memory: the caller runs the reference kernel on the host. */
function onDevice<A, I extends OpInfo, B>(dev: Device<B>, op: OpDef<A, I>, info: I, inputs: readonly Tensor[], k: KernelEntry<I, unknown>): Storage[] | null {
  dev.beginOp();
  const acquired: (Acquired<B | Data> | null)[] = [];
  const outs: B[] = [];
  const cleanup = (): void => {
    for (const a of acquired) if (a?.temp) dev.free(a.buf as B);
  };
  for (const t of inputs) {
    const a = t._storage.acquire(dev);
    acquired.push(a);
    if (a === null) {
      cleanup();
      return null;
    }
  }
  if (op.inplace) {
    for (const i of op.inplace) outs.push(acquired[i]!.buf as B);
  } else {
    for (let i = 0; i < info.outShapes.length; i++) {
      const b = dev.alloc(info.outDtypes[i]!, numel(info.outShapes[i]!));
      if (b === null) {
        for (const o of outs) dev.free(o);
        cleanup();
        return null;
      }
      outs.push(b);
    }
  }
  let ran: void | boolean;
  try {
    ran = k.run(info, outs, acquired.map((a) => a!.buf));
  } catch (e) {
    if (!op.inplace) for (const o of outs) dev.free(o);
    cleanup();
    throw e;
  }
  if (ran === false) {
    if (!op.inplace) for (const o of outs) dev.free(o);
    cleanup();
    return null;
  }
  if (op.inplace) {
    const res = op.inplace.map((i, j) => {
      const s = inputs[i]!._storage;
      s.wrote(dev, outs[j]!, acquired[i]!.temp);
      return s;
    });
    // temporaries of in-place targets were freed by `wrote`; free the others
    for (let i = 0; i < acquired.length; i++) if (acquired[i]!.temp && !op.inplace.includes(i)) dev.free(acquired[i]!.buf as B);
    return res;
  }
  cleanup();
  return outs.map((b, i) => Storage.onDevice(dev, b, info.outDtypes[i]!, numel(info.outShapes[i]!)));
}
