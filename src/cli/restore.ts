/** The model behind a CLI path: a convkit checkpoint or model file, a plain (PyTorch) state dict, or an ONNX file. */
import { ValueError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { buildModel, MODELS } from '../models/index.js';
import { loadOnnx } from '../io/index.js';
import { loadModelFile } from './checkpoint.js';

export interface Restored {
  /** Called with one (N, 1, 28, 28) batch, returns (N, classes) logits. */
  model: Module;
  /** The architecture's name (`onnx:PATH` for an imported ONNX model). */
  name: string;
  /** The data set it was trained on (digits when unknown). */
  data: string;
}

/** An ONNX file, or a safetensors file whose architecture comes from --model or the metadata (`onnx:PATH` re-imports PATH). */
export function restoreModel(op: string, path: string, flagModel: string | undefined): Restored {
  if (path.endsWith('.onnx')) return { model: loadOnnx(path).eval() as unknown as Module, name: `onnx:${path}`, data: 'digits' };
  const f = loadModelFile(path);
  const name = flagModel ?? f.model;
  if (name === null) {
    throw new ValueError({ op, arg: '--model', expected: `the architecture of the state dict in ${path} (--model ${Object.keys(MODELS).join('|')})`, got: 'no --model flag and no "model" metadata in the file' });
  }
  const model = name.startsWith('onnx:') ? (loadOnnx(name.slice(5)) as unknown as Module) : buildModel(name, 10);
  model.loadStateDict(f.stateDict);
  model.eval();
  return { model, name, data: f.run?.data ?? 'digits' };
}
