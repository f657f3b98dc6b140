/** `convkit eval CHECKPOINT` and `convkit predict CHECKPOINT IMAGE.png...`. */
import { ValueError } from '../errors.js';
import { DataLoader } from '../data/loader.js';
import { fashionMnist, idxDataset, loadDigits, readImage } from '../io/index.js';
import { evaluate } from '../train/loop.js';
import { softmax } from '../ops/activation.js';
import { noGrad } from '../autograd/tape.js';
import { reshape } from '../ops/movement.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs } from './args.js';
import { restoreModel } from './restore.js';
import { MODELS } from '../models/index.js';

interface Out {
  write(s: string): unknown;
}

const MODEL_FLAG: FlagSpec = { type: 'string', help: 'architecture of a plain state dict without convkit metadata (e.g. saved from PyTorch)', choices: Object.keys(MODELS), placeholder: 'NAME' };
const EVAL_FLAGS: Record<string, FlagSpec> = {
  model: MODEL_FLAG,
  data: { type: 'string', help: 'test set: digits, fashion or idx:DIR (default: the one it was trained on)', choices: ['digits', 'fashion', 'idx:'], placeholder: 'NAME' },
};
const PREDICT_FLAGS: Record<string, FlagSpec> = {
  model: MODEL_FLAG,
  invert: { type: 'boolean', help: 'invert grey levels (for dark digits drawn on a light background)' },
  top: { type: 'int', help: 'how many classes to list', default: 3, placeholder: 'K' },
};

export async function evalCommand(argv: readonly string[], out: Out): Promise<number> {
  if (argv.includes('--help')) {
    out.write(helpText('usage: convkit eval MODEL(.safetensors|.onnx) [--data NAME] [--model NAME]', 'Evaluates a saved model on a test set.', EVAL_FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('eval', argv, EVAL_FLAGS);
  if (positional.length !== 1) throw new ValueError({ op: 'convkit eval', arg: 'CHECKPOINT', expected: 'one checkpoint path', got: positional.length ? positional.join(' ') : 'none' });
  const { model, name, data } = restoreModel('convkit eval', positional[0]!, flags['model'] as string | undefined);
  const spec = (flags['data'] as string | undefined) ?? data;
  const test = spec === 'digits' ? loadDigits().test : spec === 'fashion' ? fashionMnist().test : idxDataset(spec.slice(4)).test;
  const r = await evaluate(model, new DataLoader(test, { batchSize: 500 }));
  out.write(`${name} on ${spec} test set: accuracy ${(100 * r.accuracy).toFixed(2)}% (${Math.round(r.accuracy * r.examples)}/${r.examples}), loss ${r.loss.toFixed(4)}\n`);
  return 0;
}

export function predictCommand(argv: readonly string[], out: Out): number {
  if (argv.includes('--help')) {
    out.write(helpText('usage: convkit predict MODEL(.safetensors|.onnx) IMAGE.png...', 'Prints the top classes with probabilities for each PNG image (resized to 28×28 grey).', PREDICT_FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('predict', argv, PREDICT_FLAGS);
  if (positional.length < 2) throw new ValueError({ op: 'convkit predict', arg: 'IMAGE', expected: 'a checkpoint and at least one PNG image', got: positional.length ? positional.join(' ') : 'nothing' });
  const { model } = restoreModel('convkit predict', positional[0]!, flags['model'] as string | undefined);
  const k = Math.max(1, Math.min(10, flags['top'] as number));
  for (const path of positional.slice(1)) {
    const img = readImage(path, { size: [28, 28], grey: true, invert: flags['invert'] === true });
    const probs = noGrad(() => softmax(model.forward(reshape(img, [1, 1, 28, 28])) as Tensor, 1));
    const ranked = [...valuesOf(probs)].map((p, c) => [c, p] as const).sort((a, b) => b[1] - a[1]).slice(0, k);
    out.write(`${path}: ${ranked.map(([c, p]) => `${c} (${(100 * p).toFixed(1)}%)`).join(', ')}\n`);
  }
  return 0;
}
