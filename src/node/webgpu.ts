/**
 * WebGPU in Node: Dawn's bindings (the optional npm package `webgpu`), loaded only when the
 * webgpu backend is first selected. On Linux Dawn loads `libvulkan.so.1` and needs a Vulkan
 * driver; without a GPU, a CPU driver such as SwiftShader works (see docs/HACKING.md).
 *
 * The GPU instance is held here for the whole process: Dawn crashes at exit when its instance is
 * garbage-collected while the process runs (dawn-gpu/node-webgpu#18). The device is destroyed at
 * exit, before Dawn tears down.
 */
import { BackendError } from '../errors.js';
import { setGpuProvider } from '../backends/webgpu/acquire.js';
import { destroyWebGpu } from '../backends/webgpu/device.js';

let instance: GPU | null = null;

setGpuProvider(async () => {
  if (instance) return instance;
  let mod: typeof import('webgpu');
  try {
    mod = await import('webgpu');
  } catch (e) {
    throw new BackendError({
      op: 'setBackend',
      arg: 'name',
      expected: 'the npm package `webgpu` (Dawn for Node) installed',
      got: e instanceof Error ? e.message : String(e),
      message: `setBackend("webgpu"): WebGPU in Node needs the package \`webgpu\` (npm install webgpu@0.6.2): ${e instanceof Error ? e.message : String(e)}`,
    });
  }
  instance = mod.create([]);
  return instance;
});

process.once('exit', destroyWebGpu);
