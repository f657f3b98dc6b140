/**
 * The WebGPU backend: tensors live in GPU buffers (float32 and int32; float64 stays in JavaScript
 * memory, so its ops run the reference kernels there), kernels record work without waiting, and
 * values come back only through `await t.read()` (docs/STORAGE.md). `await setBackend('webgpu')`
 * acquires the device first and rejects with a BackendError where there is none.
 *
 * An op without a WebGPU kernel for its plan runs its reference kernel, which needs its inputs in
 * JavaScript memory: inputs already there (float64, fresh host tensors) are fine; a GPU-resident
 * input cannot be read synchronously, which is a BackendError naming the op — so every float32 and
 * int32 op of a training step has a kernel here.
 */
import type { Backend } from '../../backend.js';
import { KernelTable, registerBackend } from '../../backend.js';
import type { DType, Data } from '../../dtype.js';
import { BackendError } from '../../errors.js';
import type { Device, DeviceStats } from '../../storage.js';
import { currentRuntime, startWebGpu } from './device.js';
import type { AdapterSummary, GpuBuf } from './runtime.js';
import { webgpuKernels } from './kernels.js';

const device: Device<GpuBuf> = {
  name: 'webgpu',
  syncReads: false,
  // float64 has no GPU type: null sends the op to the reference kernel on the host
  alloc: (dtype: DType, n: number) => (dtype === 'float64' ? null : startedRuntime().alloc(dtype, n)),
  upload: (src: Data) => (src instanceof Float64Array ? null : startedRuntime().upload(src)),
  readSync(): Data {
    throw new BackendError({ op: 'read', arg: 'tensor', expected: 'an asynchronous read', got: 'a synchronous read of a GPU tensor', message: 'read: a WebGPU tensor can only be read asynchronously: use `await t.read()`' });
  },
  read: (b: GpuBuf, _dtype: DType, n: number) => b.owner.read(b, n),
  // finalizers may run after the device was lost or destroyed: the runtime then ignores the buffer
  free: (b: GpuBuf) => b.owner.free(b),
  // the handle holds the GPUBuffer object only, not its memory (which lives on the GPU)
  finalizerToken: (b: GpuBuf) => b,
  finalize: (b: unknown) => (b as GpuBuf).owner.free(b as GpuBuf),
  touch: () => undefined,
  // nothing on the GPU is derived from a buffer's values (no packed-weight caches)
  written: () => undefined,
  // GPU buffers are never spilled: spilling would need a synchronous read
  spilled: () => null,
  beginOp: () => undefined,
  stats(): DeviceStats {
    const rt = currentRuntime();
    if (!rt) return { liveBuffers: 0, liveBytes: 0 };
    const s = rt.stats();
    return { liveBuffers: s.live, liveBytes: s.liveBytes, freeBuffers: s.free, freeBytes: s.freeBytes, created: s.created, reused: s.reused, submits: rt.counters.submits, reads: rt.counters.reads };
  },
  setHighWater(bytes: number): void {
    startedRuntime().pool.setCacheBytes(bytes);
  },
};

function startedRuntime() {
  const rt = currentRuntime();
  if (!rt) {
    throw new BackendError({ op: 'webgpu', arg: 'backend', expected: 'a started WebGPU device', got: 'none', message: 'webgpu: no GPU device yet: `await setBackend("webgpu")` first' });
  }
  rt.check('webgpu');
  return rt;
}

const kernels = new KernelTable<GpuBuf>();
for (const e of webgpuKernels) e.addTo(kernels);

/**
 * `init` acquires the device (once; again after a loss). While a device is running it reads
 * undefined, so `setBackend('webgpu')` then selects at once, like the synchronous backends.
 */
export const webgpuBackend: Backend<GpuBuf> = {
  name: 'webgpu',
  device,
  kernels,
  get init(): (() => Promise<void>) | undefined {
    const rt = currentRuntime();
    return rt && !rt.lost ? undefined : () => startWebGpu().then(() => undefined);
  },
};

/** The adapter of the running WebGPU device (vendor, architecture, whether it is a software one), or null. */
export function webgpuAdapter(): AdapterSummary | null {
  const rt = currentRuntime();
  return rt && !rt.lost ? rt.adapter : null;
}

/** Registers the 'webgpu' backend (without selecting it or touching the GPU). */
export function registerWebGpu(): void {
  registerBackend(webgpuBackend);
}
