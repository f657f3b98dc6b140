/** ONNX files: `saveOnnx` (exportOnnx written atomically) and `loadOnnx` (importOnnx of a file). */
import type { Tensor } from '../tensor.js';
import type { AnyModule } from '../nn/module.js';
import { exportOnnx, importOnnx } from '../onnx/index.js';
import type { ExportOnnxOptions, OnnxModule } from '../onnx/index.js';
import { checkPath, readBytes, writeFileAtomic } from './files.js';

/** Exports `model` traced on `exampleInput` to `path` (see exportOnnx); a crash mid-write leaves the old file. */
export function saveOnnx(model: AnyModule, exampleInput: Tensor | readonly Tensor[], path: string, options?: ExportOnnxOptions): void {
  checkPath('saveOnnx', path);
  writeFileAtomic('saveOnnx', path, [exportOnnx(model, exampleInput, options)]);
}

/** Imports an ONNX file as a trainable OnnxModule (see importOnnx). */
export function loadOnnx(path: string): OnnxModule {
  checkPath('loadOnnx', path);
  return importOnnx(readBytes('loadOnnx', path));
}
