/** convkit: convolutional networks in TypeScript. Named re-exports only. */
export { Tensor, isTensor } from './tensor.js';
export type { NestedArray } from './tensor.js';
export type { DType, Data } from './dtype.js';
export type { Shape } from './shape.js';
export { convOutSize, convOutFormula, broadcastShapes } from './shape.js';
export { ConvkitError, ShapeError, ValueError, DTypeError, FormatError, GradError, BackendError } from './errors.js';
export { setBackend, getBackend, listBackends, registerBackend } from './backend.js';
export { observeOps } from './op.js';
export { memoryStats, setMemoryLimit } from './memory.js';
export { fetchTensors } from './fetch.js';
export type { MemoryStats } from './memory.js';
export type { DeviceStats } from './storage.js';
export type { OpEvent, OpObserver } from './op.js';
export type { Backend, Kernel } from './backend.js';
export { manualSeed, Generator } from './random.js';
export * from './creation.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/tape.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/movement.js';
export { copy_, fill_, zero_, add_, sub_, mul_, div_ } from './ops/inplace.js';
export { grad, valueAndGrad, vjp, jvp, jacobian, hessian, gradcheck } from './autograd/functional.js';
export type { GradcheckOptions } from './autograd/functional.js';
export * from './ops/activation.js';
export * from './ops/loss.js';
export * from './ops/norm.js';
export * from './ops/matmul.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/signal.js';
import './methods.js';
import { registerWasm } from './backends/wasm/index.js';
import { setBackend } from './backend.js';

import { registerWebGpu } from './backends/webgpu/index.js';

// the fast backend is the default wherever the engine has WebAssembly SIMD; getBackend() tells
if (registerWasm()) setBackend('wasm');
// selectable with `await setBackend('webgpu')`; registering does not touch the GPU
registerWebGpu();
export { registerWasm } from './backends/wasm/index.js';
export { webgpuAdapter } from './backends/webgpu/index.js';
export type { AdapterSummary } from './backends/webgpu/runtime.js';
export { setNumThreads, getNumThreads, threadingStatus, threadsReady, poolStats } from './backends/wasm/pool.js';
export type { ThreadingStatus, PoolStats } from './backends/wasm/pool.js';
export * as data from './data/index.js';
export * as optim from './optim/index.js';
export * as nn from './nn/index.js';
export { MODELS, buildModel } from './models/index.js';
export type { ModelInfo } from './models/index.js';
export { exportOnnx, importOnnx, OnnxModule, SUPPORTED_ONNX_OPS } from './onnx/index.js';
export type { ExportOnnxOptions } from './onnx/index.js';
export { trainEpoch, evaluate, randomShift } from './train/loop.js';
export type { StepReport, EpochResult, TrainEpochOptions } from './train/loop.js';
export { TrainingDiagnostics } from './train/diagnostics.js';
export type { DiagnosticsReport, LayerReport } from './train/diagnostics.js';
export { summary, summarize, summarizeArchitecture, formatSummary, parseArchitecture, ArchitectureError } from './summary/index.js';
export type { SummaryResult, SummaryRow, SummaryTotals, LayerSpec } from './summary/index.js';
