/** The CLI's `--model`: a named model adapted to the data, or an architecture string checked against it. */
import { ValueError } from '../errors.js';
import { MODELS, modelArchitecture } from '../models/index.js';
import { checkArchitectureFor } from '../models/architecture.js';
import type { RunInfo } from './checkpoint.js';

/** Resolves `--model` for data of `inputShape` with `classes`: its display name and architecture string. */
export function resolveModel(command: string, spec: string, data: { name: string; inputShape: readonly number[]; classes: readonly string[] }): { name: string; architecture: string } {
  if (MODELS[spec] !== undefined) return { name: spec, architecture: modelArchitecture(spec, { inputShape: data.inputShape, numClasses: data.classes.length }) };
  if (!spec.includes('|')) {
    throw new ValueError({
      op: `convkit ${command}`,
      arg: '--model',
      expected: `one of ${Object.keys(MODELS).join(', ')}, or an architecture string such as "${data.inputShape.join('x')} | conv 8 k3 | relu | fc ${data.classes.length}"`,
      got: JSON.stringify(spec),
      message: `convkit ${command}: --model ${JSON.stringify(spec)} is neither a named model (${Object.keys(MODELS).join(', ')}) nor an architecture string (an input shape, then layers separated by "|"; see convkit summary --help)`,
    });
  }
  checkArchitectureFor(spec, data.inputShape, data.classes.length, data.name);
  return { name: 'custom', architecture: spec.trim() };
}

/** The architecture a checkpoint's model was built from (older checkpoints name a model only). */
export function recordedArchitecture(run: RunInfo): string {
  if (typeof run.architecture === 'string') return run.architecture;
  if (MODELS[run.model] !== undefined) return modelArchitecture(run.model);
  throw new ValueError({ op: 'loadCheckpoint', arg: 'run', expected: 'an architecture string or a named model in the checkpoint', got: JSON.stringify(run.model) });
}
