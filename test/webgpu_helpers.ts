/**
 * WebGPU test helpers. Tests run on whatever adapter Dawn finds; `npm test` points Vulkan at
 * Chromium's SwiftShader (package.json), so CI machines without a GPU run them too. No adapter is
 * a failure, never a skip.
 */
import '../src/node/index.js';
import { startWebGpu } from '../src/backends/webgpu/device.js';
import type { GpuRuntime } from '../src/backends/webgpu/runtime.js';

/** The process's runtime; a missing adapter fails with how to run the tests. */
export async function runtime(): Promise<GpuRuntime> {
  try {
    return await startWebGpu();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      `${why}\nThe WebGPU tests need a Vulkan driver: run them with npm test, or with ` +
        'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium (Debian package chromium)',
    );
  }
}
