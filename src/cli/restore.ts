/** The model behind a CLI path: a convkit checkpoint or model file, a plain (PyTorch) state dict, or an ONNX file. */
import { ValueError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { MODELS, modelArchitecture } from '../models/index.js';
import { buildArchitecture } from '../models/architecture.js';
import { loadOnnx } from '../io/index.js';
import { loadModelFile } from './checkpoint.js';
import type { RunInfo } from './checkpoint.js';

export interface Restored {
  /** Called with one (N, C, H, W) batch, returns (N, classes) logits. */
  model: Module;
  /** The architecture's name (`custom` for an architecture string, `onnx:PATH` for an imported ONNX model). */
  name: string;
  /** The architecture string the model was built from (null for ONNX). */
  architecture: string | null;
  /** The data set it was trained on (digits when unknown). */
  data: string;
  /** The run's metadata when the file has it (classes, input shape, normalisation). */
  run: RunInfo | null;
}

/** A named model's architecture string, or an architecture string itself. */
function architectureOf(op: string, spec: string): string {
  if (MODELS[spec] !== undefined) return modelArchitecture(spec);
  if (spec.includes('|')) return spec.trim();
  throw new ValueError({ op, arg: '--model', expected: `one of ${Object.keys(MODELS).join(', ')} or an architecture string`, got: JSON.stringify(spec) });
}

/**
 * An ONNX file, or a safetensors file whose architecture comes from --model (a name or an
 * architecture string), else from the metadata: the recorded architecture string, else the
 * recorded model name (`onnx:PATH` re-imports PATH).
 */
export function restoreModel(op: string, path: string, flagModel: string | undefined): Restored {
  if (path.endsWith('.onnx')) return { model: loadOnnx(path).eval() as unknown as Module, name: `onnx:${path}`, architecture: null, data: 'digits', run: null };
  const f = loadModelFile(path);
  const name = flagModel ?? f.model;
  if (name === null) {
    throw new ValueError({ op, arg: '--model', expected: `the architecture of the state dict in ${path} (--model ${Object.keys(MODELS).join('|')})`, got: 'no --model flag and no "model" metadata in the file' });
  }
  let model: Module;
  let architecture: string | null = null;
  if (flagModel === undefined && name.startsWith('onnx:')) model = loadOnnx(name.slice(5)) as unknown as Module;
  else {
    architecture = flagModel === undefined && typeof f.run?.architecture === 'string' ? f.run.architecture : architectureOf(op, name);
    model = buildArchitecture(architecture);
  }
  model.loadStateDict(f.stateDict);
  model.eval();
  return { model, name: flagModel === undefined ? name : MODELS[name] !== undefined ? name : 'custom', architecture, data: f.run?.data ?? 'digits', run: f.run };
}
