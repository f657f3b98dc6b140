/**
 * What tensors hold, per backend: `memoryStats()` and the high-water mark of device memory
 * (docs/STORAGE.md "Memory"). JavaScript-memory (reference) tensors are typed arrays that
 * JavaScript's garbage collector owns, so they are not counted here.
 */
import { BackendError, fmtValue } from './errors.js';
import { listBackends, backendByName } from './backend.js';
import type { DeviceStats } from './storage.js';
import { moveStats } from './storage.js';
import { fallbackStats } from './dispatch.js';

export interface MemoryStats {
  /** Per backend whose tensors live on a device: live buffers and bytes, reserved memory, spills. */
  readonly backends: Record<string, DeviceStats>;
  /** Copies between JavaScript memory and devices, by `from->to`: kernels that ran away from their inputs. */
  readonly moves: Record<string, { count: number; bytes: number }>;
  /** Ops that ran their reference kernel because the current backend has none for them (or not for that plan). */
  readonly fallbacks: Record<string, number>;
}

export function memoryStats(): MemoryStats {
  const backends: Record<string, DeviceStats> = {};
  for (const name of listBackends()) {
    const dev = backendByName(name)!.device;
    if (dev) backends[name] = dev.stats();
  }
  return { backends, moves: moveStats(), fallbacks: fallbackStats() };
}

/**
 * Sets the live bytes of `backend`'s device memory above which least-recently-used tensors are
 * moved to JavaScript memory (default 512 MiB for wasm). Memory stays bounded near this mark even
 * in loops that never yield to the event loop (where unreachable tensors cannot be finalized).
 */
export function setMemoryLimit(backend: string, bytes: number): void {
  const b = backendByName(backend);
  if (!b || !b.device) {
    const devs = listBackends().filter((n) => backendByName(n)!.device);
    throw new BackendError({ op: 'setMemoryLimit', arg: 'backend', expected: `one of ${devs.map((d) => JSON.stringify(d)).join(', ')}`, got: fmtValue(backend) });
  }
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
    throw new BackendError({ op: 'setMemoryLimit', arg: 'bytes', expected: 'a non-negative number of bytes', got: fmtValue(bytes) });
  }
  b.device.setHighWater(bytes);
}
