/**
 * The process's one WebGPU runtime. `startWebGpu` acquires it once (and again after a device
 * loss); kernels reach it through `gpu()`, which only the running backend calls.
 */
import { BackendError } from '../../errors.js';
import { acquireRuntime } from './acquire.js';
import type { GpuRuntime } from './runtime.js';

let current: GpuRuntime | null = null;
let starting: Promise<GpuRuntime> | null = null;

/** The runtime, acquiring a device first if there is none (or the last one was lost). */
export function startWebGpu(): Promise<GpuRuntime> {
  if (current && !current.lost) return Promise.resolve(current);
  starting ??= acquireRuntime().then(
    (rt) => {
      current = rt;
      starting = null;
      return rt;
    },
    (e: unknown) => {
      starting = null;
      throw e;
    },
  );
  return starting;
}

/** The running runtime; a BackendError when none was started. */
export function gpu(): GpuRuntime {
  if (!current) {
    throw new BackendError({
      op: 'webgpu',
      arg: 'backend',
      expected: 'a started WebGPU device',
      got: 'none',
      message: 'webgpu: no GPU device yet: `await setBackend("webgpu")` first',
    });
  }
  current.check('webgpu');
  return current;
}

/** The runtime, if one was started (lost or not), without starting one. */
export function currentRuntime(): GpuRuntime | null {
  return current;
}

/** Destroys the device, if any (Node calls this at exit: Dawn must not outlive its device). */
export function destroyWebGpu(): void {
  current?.destroy();
  current = null;
}
