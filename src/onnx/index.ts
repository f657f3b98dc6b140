/** ONNX interop: export traced models, import ONNX graphs as trainable Modules. Browser-safe (bytes in, bytes out). */
export { exportOnnx } from './export.js';
export type { ExportOnnxOptions } from './export.js';
export { importOnnx, OnnxModule, SUPPORTED_ONNX_OPS } from './import.js';
