/** `convkit eval CHECKPOINT` and `convkit predict CHECKPOINT IMAGE.png...`. */
import { ConvkitError, ValueError } from '../errors.js';
import { DataLoader } from '../data/loader.js';
import { fashionMnist, idxDataset, loadDigits, readImage } from '../io/index.js';
import { evaluate } from '../train/loop.js';
import { softmax } from '../ops/activation.js';
import { sub } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import { noGrad } from '../autograd/tape.js';
import { reshape } from '../ops/movement.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs, wantsHelp } from './args.js';
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
  invert: { type: 'boolean', help: 'invert grey levels (dark digits on a light background); default: inverted when the mean grey level is above 0.5, --invert=false never' },
  top: { type: 'int', help: 'how many classes to list', default: 3, placeholder: 'K', min: 1, max: 10 },
};

/** A mean grey level above this marks a light background (MNIST digits are light on black: ~0.13). */
const LIGHT_BACKGROUND = 0.5;

export function evalCommand(argv: readonly string[], out: Out): number {
  if (wantsHelp(argv)) {
    out.write(helpText('usage: convkit eval MODEL(.safetensors|.onnx) [--data NAME] [--model NAME]', 'Evaluates a saved model on a test set.', EVAL_FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('eval', argv, EVAL_FLAGS);
  if (positional.length !== 1) throw new ValueError({ op: 'convkit eval', arg: 'CHECKPOINT', expected: 'one checkpoint path', got: positional.length ? positional.join(' ') : 'none' });
  const { model, name, data } = restoreModel('convkit eval', positional[0]!, flags['model'] as string | undefined);
  const spec = (flags['data'] as string | undefined) ?? data;
  const test = spec === 'digits' ? loadDigits().test : spec === 'fashion' ? fashionMnist().test : idxDataset(spec.slice(4)).test;
  const r = evaluate(model, new DataLoader(test, { batchSize: 500 }));
  out.write(`${name} on ${spec} test set: accuracy ${(100 * r.accuracy).toFixed(2)}% (${Math.round(r.accuracy * r.examples)}/${r.examples}), loss ${r.loss.toFixed(4)}\n`);
  return 0;
}

export function predictCommand(argv: readonly string[], out: Out, err: Out = out): number {
  if (wantsHelp(argv)) {
    out.write(helpText('usage: convkit predict MODEL(.safetensors|.onnx) IMAGE.png...', 'Prints the top classes with probabilities for each PNG image (resized to 28×28 grey). An image that cannot be read is reported and the others are still classified (exit code 1).', PREDICT_FLAGS));
    return 0;
  }
  const { flags, positional, given } = parseArgs('predict', argv, PREDICT_FLAGS);
  if (positional.length < 2) throw new ValueError({ op: 'convkit predict', arg: 'IMAGE', expected: 'a checkpoint and at least one PNG image', got: positional.length ? positional.join(' ') : 'nothing' });
  const { model } = restoreModel('convkit predict', positional[0]!, flags['model'] as string | undefined);
  const k = flags['top'] as number;
  let failed = 0;
  for (const path of positional.slice(1)) {
    let img: Tensor;
    try {
      img = readImage(path, { size: [28, 28], grey: true });
    } catch (e) {
      if (!(e instanceof ConvkitError)) throw e;
      err.write(`error: ${e.message}\n`);
      failed++;
      continue;
    }
    const level = mean(img).item();
    const invert = given.has('invert') ? flags['invert'] === true : level > LIGHT_BACKGROUND;
    const note = invert && !given.has('invert') ? ` (light background, mean grey ${level.toFixed(2)}: inverted; --invert=false to keep it)` : '';
    const x = invert ? sub(1, img) : img;
    const probs = noGrad(() => softmax(model(reshape(x, [1, 1, 28, 28])) as Tensor, 1));
    const ranked = [...valuesOf(probs)].map((p, c) => [c, p] as const).sort((a, b) => b[1] - a[1]).slice(0, k);
    out.write(`${path}${note}: ${ranked.map(([c, p]) => `${c} (${(100 * p).toFixed(1)}%)`).join(', ')}\n`);
  }
  if (failed > 0) err.write(`${failed} of ${positional.length - 1} image${positional.length === 2 ? '' : 's'} could not be read\n`);
  return failed > 0 ? 1 : 0;
}
