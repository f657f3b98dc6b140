/** `convkit eval MODEL` and `convkit predict MODEL IMAGE...`: the model is rebuilt from the file alone. */
import { ValueError } from '../errors.js';
import { DataLoader } from '../data/loader.js';
import { decodeImageFile } from '../data/image_file.js';
import { mnistPreprocess } from '../data/preprocess.js';
import { readBytes } from '../io/files.js';
import { evaluate } from '../train/loop.js';
import { formatConfusionMatrix } from '../train/metrics.js';
import { softmax } from '../ops/activation.js';
import { noGrad } from '../autograd/tape.js';
import { reshape } from '../ops/movement.js';
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import { MODELS } from '../models/index.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs } from './args.js';
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
  invert: { type: 'boolean', help: 'invert grey levels (for dark digits drawn on a light background)' },
  'no-preprocess': { type: 'boolean', help: 'only resize to the model\'s input size (no MNIST-style centring for 1x28x28 models)' },
  top: { type: 'int', help: 'how many classes to list', default: 3, placeholder: 'K' },
};

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export async function evalCommand(argv: readonly string[], out: Out): Promise<number> {
  if (argv.includes('--help')) {
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

/** One image file as the model's input [C, H, W]: MNIST-style centring for 1×28×28 models unless `raw`. */
function loadInput(path: string, shape: readonly number[], invert: boolean, raw: boolean): Tensor {
  const [C = 1, H = 28, W = 28] = shape;
  const mnist = !raw && C === 1 && H === 28 && W === 28;
  let img = decodeImageFile(readBytes('convkit predict', path), { channels: C === 1 ? 1 : 3, ...(mnist ? {} : { size: [H, W] as const }) }, path, 'convkit predict');
  if (invert) img = tensor(Float32Array.from(valuesOf(img), (v) => 1 - v), { shape: img.shape });
  return mnist ? mnistPreprocess(img) : img;
}

export function predictCommand(argv: readonly string[], out: Out): number {
  if (argv.includes('--help')) {
    out.write(helpText('usage: convkit predict MODEL(.safetensors|.onnx) IMAGE...', 'Prints the top classes with probabilities for each PNG or JPEG image. For a 1x28x28 model the image is prepared as MNIST digits were: the ink (light on dark; see --invert) scaled into a 20x20 box and centred by its centre of mass in 28x28. Other models get the image resized to their input size.', PREDICT_FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('predict', argv, PREDICT_FLAGS);
  if (positional.length < 2) throw new ValueError({ op: 'convkit predict', arg: 'IMAGE', expected: 'a checkpoint and at least one PNG or JPEG image', got: positional.length ? positional.join(' ') : 'nothing' });
  const { model, run } = restoreModel('convkit predict', positional[0]!, flags['model'] as string | undefined);
  const shape = run?.inputShape ?? [1, 28, 28];
  const classes = run?.classes ?? DIGITS;
  const k = Math.max(1, Math.min(classes.length, flags['top'] as number));
  const norm = run?.normalize ? normalizer(run.normalize) : null;
  for (const path of positional.slice(1)) {
    let x = loadInput(path, shape, flags['invert'] === true, flags['no-preprocess'] === true);
    if (norm) x = norm(x);
    const probs = noGrad(() => softmax(model.forward(reshape(x, [1, ...x.shape])) as Tensor, 1));
    const ranked = [...valuesOf(probs)].map((p, c) => [c, p] as const).sort((a, b) => b[1] - a[1]).slice(0, k);
    const name = (c: number): string => (classes[c] === undefined || classes[c] === String(c) ? String(c) : `${c} ${classes[c]}`);
    out.write(`${path}: ${ranked.map(([c, p]) => `${name(c)} (${(100 * p).toFixed(1)}%)`).join(', ')}\n`);
  }
  return 0;
}
