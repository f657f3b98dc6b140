/**
 * Getting a GPU device. Browsers expose WebGPU as `navigator.gpu`; Node has none, and the Node
 * entry point (src/node/webgpu.ts) installs a provider backed by Dawn's bindings (npm `webgpu`).
 * Every way of not getting a device — no WebGPU at all, no adapter, a refused device — is a
 * BackendError naming what is missing; the caller never silently gets another backend.
 */
import { BackendError } from '../../errors.js';
import { GpuRuntime } from './runtime.js';

/** Returns the platform's `GPU` object, or null when this platform has no WebGPU. */
export type GpuProvider = () => Promise<GPU | null>;

const browserProvider: GpuProvider = () => {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return Promise.resolve(nav?.gpu ?? null);
};

let provider: GpuProvider = browserProvider;

/** Replaces how the `GPU` object is found (the Node entry point installs Dawn's). */
export function setGpuProvider(p: GpuProvider): void {
  provider = p;
}

function noGpu(got: string, message: string): BackendError {
  return new BackendError({ op: 'setBackend', arg: 'name', expected: 'a platform with a WebGPU adapter', got, message: `setBackend("webgpu"): ${message}` });
}

/**
 * Limits raised from WebGPU's defaults to what the adapter offers: big tensors need large storage
 * bindings, and the kernels bind up to 8 storage buffers.
 */
const RAISED = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
] as const;

/** Requests an adapter and a device and wraps them; throws BackendError when there is none. */
export async function acquireRuntime(): Promise<GpuRuntime> {
  const gpu = await provider();
  if (!gpu) {
    throw noGpu('no navigator.gpu', 'this platform has no WebGPU (navigator.gpu is undefined): use a browser with WebGPU enabled, or in Node install the `webgpu` package');
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw noGpu('no adapter', 'navigator.gpu.requestAdapter() found no GPU adapter (no usable GPU or driver; headless Chromium needs --enable-unsafe-webgpu, Node on Linux needs a Vulkan driver)');
  }
  const requiredLimits: Record<string, number> = {};
  for (const k of RAISED) {
    const v = adapter.limits[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch (e) {
    throw noGpu('a refused device', `the adapter refused to create a device: ${e instanceof Error ? e.message : String(e)}`);
  }
  const info = adapter.info;
  return new GpuRuntime(device, {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    // isFallbackAdapter moved from GPUAdapter to GPUAdapterInfo; read whichever the platform has
    fallback: Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
  });
}
