/** `convkit eval MODEL` and `convkit predict MODEL IMAGE...`: the model is rebuilt from the file alone. */
import { ConvkitError, ValueError } from '../errors.js';
import { DataLoader } from '../data/loader.js';
import { decodeImageFile } from '../data/image_file.js';
import { mnistPreprocess } from '../data/preprocess.js';
import { readBytes } from '../io/files.js';
import { evaluate } from '../train/loop.js';
import { formatConfusionMatrix } from '../train/metrics.js';
import { softmax } from '../ops/activation.js';
import { sub } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import { noGrad } from '../autograd/tape.js';
import { reshape } from '../ops/movement.js';
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import { MODELS } from '../models/index.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs, wantsHelp } from './args.js';
import { DATA_CHOICES, loadData, mapInputs, normalizer } from './data.js';
import { restoreModel } from './restore.js';

interface Out {
  write(s: string): unknown;
}

const MODEL_FLAG: FlagSpec = { type: 'string', help: `architecture of a plain state dict without convkit metadata (e.g. saved from PyTorch): ${Object.keys(MODELS).join(', ')} or an architecture string`, placeholder: 'NAME|"ARCH"' };
const EVAL_FLAGS: Record<string, FlagSpec> = {
  model: MODEL_FLAG,
  data: { type: 'string', help: 'test set: digits, fashion, idx:DIR, cifar10:DIR or folder:DIR (default: the one it was trained on)', choices: DATA_CHOICES, placeholder: 'NAME' },
};
const PREDICT_FLAGS: Record<string, FlagSpec> = {
  model: MODEL_FLAG,
  invert: { type: 'boolean', help: 'invert grey levels (dark digits on a light background); default for grey models: inverted when the mean grey level is above 0.5, --invert=false never' },
  'no-preprocess': { type: 'boolean', help: 'only resize to the model\'s input size (no MNIST-style centring for 1x28x28 models)' },
  top: { type: 'int', help: 'how many classes to list (at most the model\'s classes)', default: 3, placeholder: 'K', min: 1 },
};

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A mean grey level above this marks a light background (MNIST digits are light on black: ~0.13). */
const LIGHT_BACKGROUND = 0.5;

export async function evalCommand(argv: readonly string[], out: Out): Promise<number> {
  if (wantsHelp(argv)) {
    out.write(helpText('usage: convkit eval MODEL(.safetensors|.onnx) [--data NAME] [--model NAME|"ARCH"]', 'Evaluates a saved model on a test set: accuracy, loss and the confusion matrix.', EVAL_FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('eval', argv, EVAL_FLAGS);
  if (positional.length !== 1) throw new ValueError({ op: 'convkit eval', arg: 'CHECKPOINT', expected: 'one checkpoint path', got: positional.length ? positional.join(' ') : 'none' });
  const { model, name, data: trained, run } = restoreModel('convkit eval', positional[0]!, flags['model'] as string | undefined);
  const spec = (flags['data'] as string | undefined) ?? trained;
  const d = run?.dataOptions ?? {};
  const data = loadData(spec, { ...(d.size ? { size: d.size } : {}), ...(d.valSplit !== undefined ? { valSplit: d.valSplit } : {}), seed: run?.seed ?? 0 });
  const test = run?.normalize ? mapInputs(data.test, normalizer(run.normalize)) : data.test;
  const r = await evaluate(model, new DataLoader(test, { batchSize: 500 }));
  const classes = run?.classes ?? data.classes;
  out.write(`${name} on ${spec} test set: accuracy ${(100 * r.accuracy).toFixed(2)}% (${Math.round(r.accuracy * r.examples)}/${r.examples}), loss ${r.loss.toFixed(4)}\n`);
  out.write(`confusion matrix (rows: true class, columns: predicted):\n${formatConfusionMatrix(r.confusion, classes.every((c, i) => c === String(i)) ? undefined : classes)}\n`);
  return 0;
}

/**
 * One image file as the model's input [C, H, W]: MNIST-style centring for 1×28×28 models unless
 * `raw`. `invert` null means: invert a grey image whose mean level says it is dark on light.
 */
function loadInput(path: string, shape: readonly number[], invert: boolean | null, raw: boolean): { x: Tensor; inverted: number | null } {
  const [C = 1, H = 28, W = 28] = shape;
  const mnist = !raw && C === 1 && H === 28 && W === 28;
  let img = decodeImageFile(readBytes('convkit predict', path), { channels: C === 1 ? 1 : 3, ...(mnist ? {} : { size: [H, W] as const }) }, path, 'convkit predict');
  const level = mean(img).item();
  const flip = invert ?? (C === 1 && level > LIGHT_BACKGROUND);
  if (flip) img = sub(1, img);
  return { x: mnist ? mnistPreprocess(img) : img, inverted: flip && invert === null ? level : null };
}

export function predictCommand(argv: readonly string[], out: Out, err: Out = out): number {
  if (wantsHelp(argv)) {
    out.write(helpText('usage: convkit predict MODEL(.safetensors|.onnx) IMAGE...', 'Prints the top classes with probabilities for each PNG or JPEG image. For a 1x28x28 model the image is prepared as MNIST digits were: the ink (light on dark; a light background is detected and inverted, see --invert) scaled into a 20x20 box and centred by its centre of mass in 28x28. Other models get the image resized to their input size. An image that cannot be read is reported and the others are still classified (exit code 1).', PREDICT_FLAGS));
    return 0;
  }
  const { flags, positional, given } = parseArgs('predict', argv, PREDICT_FLAGS);
  if (positional.length < 2) throw new ValueError({ op: 'convkit predict', arg: 'IMAGE', expected: 'a checkpoint and at least one PNG or JPEG image', got: positional.length ? positional.join(' ') : 'nothing' });
  const { model, run } = restoreModel('convkit predict', positional[0]!, flags['model'] as string | undefined);
  const shape = run?.inputShape ?? [1, 28, 28];
  const classes = run?.classes ?? DIGITS;
  const k = flags['top'] as number;
  if (k > classes.length) {
    throw new ValueError({ op: 'convkit predict', arg: '--top', expected: `an integer from 1 to ${classes.length} (the model's classes)`, got: String(k), message: `convkit predict: --top expects an integer from 1 to ${classes.length} (the model's classes), got "${k}"` });
  }
  const norm = run?.normalize ? normalizer(run.normalize) : null;
  let failed = 0;
  for (const path of positional.slice(1)) {
    let input: { x: Tensor; inverted: number | null };
    try {
      input = loadInput(path, shape, given.has('invert') ? flags['invert'] === true : null, flags['no-preprocess'] === true);
    } catch (e) {
      if (!(e instanceof ConvkitError)) throw e;
      err.write(`error: ${e.message}\n`);
      failed++;
      continue;
    }
    const x = norm ? norm(input.x) : input.x;
    const note = input.inverted === null ? '' : ` (light background, mean grey ${input.inverted.toFixed(2)}: inverted; --invert=false to keep it)`;
    const probs = noGrad(() => softmax(model(reshape(x, [1, ...x.shape])) as Tensor, 1));
    const ranked = [...valuesOf(probs)].map((p, c) => [c, p] as const).sort((a, b) => b[1] - a[1]).slice(0, k);
    const name = (c: number): string => (classes[c] === undefined || classes[c] === String(c) ? String(c) : `${c} ${classes[c]}`);
    out.write(`${path}${note}: ${ranked.map(([c, p]) => `${name(c)} (${(100 * p).toFixed(1)}%)`).join(', ')}\n`);
  }
  if (failed > 0) err.write(`${failed} of ${positional.length - 1} image${positional.length === 2 ? '' : 's'} could not be read\n`);
  return failed > 0 ? 1 : 0;
}
