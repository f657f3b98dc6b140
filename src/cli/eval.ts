/** `convkit eval CHECKPOINT` and `convkit predict CHECKPOINT IMAGE.png...`. */
import { ConvkitError, ValueError } from '../errors.js';
import { DataLoader } from '../data/loader.js';
import { buildModel } from '../models/index.js';
import { fashionMnist, idxDataset, loadDigits, readImage } from '../io/index.js';
import { evaluate } from '../train/loop.js';
import { softmax } from '../ops/activation.js';
import { sub } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import { noGrad } from '../autograd/tape.js';
import { reshape } from '../ops/movement.js';
import type { Tensor } from '../tensor.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs, wantsHelp } from './args.js';
import { loadCheckpoint } from './checkpoint.js';

interface Out {
  write(s: string): unknown;
}

const EVAL_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', help: 'test set: digits, fashion or idx:DIR (default: the one it was trained on)', choices: ['digits', 'fashion', 'idx:'], placeholder: 'NAME' },
};
const PREDICT_FLAGS: Record<string, FlagSpec> = {
  invert: { type: 'boolean', help: 'invert grey levels (dark digits on a light background); default: inverted when the mean grey level is above 0.5, --invert=false never' },
  top: { type: 'int', help: 'how many classes to list', default: 3, placeholder: 'K', min: 1, max: 10 },
};

/** A mean grey level above this marks a light background (MNIST digits are light on black: ~0.13). */
const LIGHT_BACKGROUND = 0.5;

function restore(path: string) {
  const c = loadCheckpoint(path);
  const model = buildModel(c.run.model, 10);
  try {
    model.loadStateDict(c.model);
  } catch (e) {
    // name the file: the weights do not fit the architecture its metadata names
    if (e instanceof ConvkitError) {
      const Cls = e.constructor as new (f: ConstructorParameters<typeof ConvkitError>[0]) => ConvkitError;
      throw new Cls({ op: e.op, arg: e.arg, expected: e.expected, got: e.got, message: `${path}: the weights do not fit model ${c.run.model}: ${e.message}` });
    }
    throw e;
  }
  model.eval();
  return { model, run: c.run };
}

export function evalCommand(argv: readonly string[], out: Out): number {
  if (wantsHelp(argv)) {
    out.write(helpText('usage: convkit eval CHECKPOINT [--data NAME]', 'Evaluates a saved model on a test set.', EVAL_FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('eval', argv, EVAL_FLAGS);
  if (positional.length !== 1) throw new ValueError({ op: 'convkit eval', arg: 'CHECKPOINT', expected: 'one checkpoint path', got: positional.length ? positional.join(' ') : 'none' });
  const { model, run } = restore(positional[0]!);
  const spec = (flags['data'] as string | undefined) ?? run.data;
  const test = spec === 'digits' ? loadDigits().test : spec === 'fashion' ? fashionMnist().test : idxDataset(spec.slice(4)).test;
  const r = evaluate(model, new DataLoader(test, { batchSize: 500 }));
  out.write(`${run.model} on ${spec} test set: accuracy ${(100 * r.accuracy).toFixed(2)}% (${Math.round(r.accuracy * r.examples)}/${r.examples}), loss ${r.loss.toFixed(4)}\n`);
  return 0;
}

export function predictCommand(argv: readonly string[], out: Out, err: Out = out): number {
  if (wantsHelp(argv)) {
    out.write(helpText('usage: convkit predict CHECKPOINT IMAGE.png...', 'Prints the top classes with probabilities for each PNG image (resized to 28×28 grey). An image that cannot be read is reported and the others are still classified (exit code 1).', PREDICT_FLAGS));
    return 0;
  }
  const { flags, positional, given } = parseArgs('predict', argv, PREDICT_FLAGS);
  if (positional.length < 2) throw new ValueError({ op: 'convkit predict', arg: 'IMAGE', expected: 'a checkpoint and at least one PNG image', got: positional.length ? positional.join(' ') : 'nothing' });
  const { model } = restore(positional[0]!);
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
    const probs = noGrad(() => softmax(model.forward(reshape(x, [1, 1, 28, 28])) as Tensor, 1));
    const ranked = [...probs.data].map((p, c) => [c, p] as const).sort((a, b) => b[1] - a[1]).slice(0, k);
    out.write(`${path}${note}: ${ranked.map(([c, p]) => `${c} (${(100 * p).toFixed(1)}%)`).join(', ')}\n`);
  }
  if (failed > 0) err.write(`${failed} of ${positional.length - 1} image${positional.length === 2 ? '' : 's'} could not be read\n`);
  return failed > 0 ? 1 : 0;
}
