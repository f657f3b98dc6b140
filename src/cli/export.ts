/** `convkit export MODEL.safetensors --onnx OUT.onnx`: a trained model as ONNX for onnxruntime and other runtimes. */
import { ValueError } from '../errors.js';
import { zeros } from '../creation.js';
import { saveOnnx } from '../io/index.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs } from './args.js';
import { MODELS } from '../models/index.js';
import { restoreModel } from './restore.js';

interface Out {
  write(s: string): unknown;
}

const FLAGS: Record<string, FlagSpec> = {
  onnx: { type: 'string', help: 'write the model as ONNX (opset 17, batch dimension dynamic) to this path', placeholder: 'OUT.onnx' },
  model: { type: 'string', help: 'architecture of a plain state dict without convkit metadata (e.g. saved from PyTorch)', choices: Object.keys(MODELS), placeholder: 'NAME' },
  opset: { type: 'int', help: 'ONNX opset, 13 to 17', default: 17, placeholder: 'N' },
};

export function exportCommand(argv: readonly string[], out: Out): number {
  if (argv.includes('--help')) {
    out.write(helpText('usage: convkit export MODEL.safetensors --onnx OUT.onnx [--model NAME]', 'Exports a saved model (checkpoint, model file or plain state dict) for 1×28×28 images as ONNX.', FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('export', argv, FLAGS);
  if (positional.length !== 1) throw new ValueError({ op: 'convkit export', arg: 'MODEL', expected: 'one model path', got: positional.length ? positional.join(' ') : 'none' });
  const dest = flags['onnx'] as string | undefined;
  if (dest === undefined) throw new ValueError({ op: 'convkit export', arg: '--onnx', expected: 'the output path (--onnx OUT.onnx)', got: 'no --onnx flag' });
  const { model, name } = restoreModel('convkit export', positional[0]!, flags['model'] as string | undefined);
  saveOnnx(model, zeros([1, 1, 28, 28]), dest, { opset: flags['opset'] as number, dynamicBatch: true, inputNames: ['input'], outputNames: ['logits'], docString: `convkit ${name}` });
  out.write(`wrote ${dest}: ${name}, input "input" [batch, 1, 28, 28] float32, output "logits" [batch, 10], opset ${flags['opset']}\n`);
  return 0;
}
