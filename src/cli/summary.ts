/** `convkit summary`: shapes, parameters and multiply-accumulates of an architecture string or a named model. */
import { ValueError } from '../errors.js';
import { MODELS } from '../models/index.js';
import { formatSummary, summarizeArchitecture } from '../summary/index.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs } from './args.js';
import { loadOnnx } from '../io/index.js';
import { zeros } from '../creation.js';
import { noGrad } from '../autograd/tape.js';

/** One row per ONNX node: op, output shape, parameters read (run once on zeros of the declared input shapes). */
function onnxTable(path: string, batch: number): string {
  const m = loadOnnx(path);
  const inputs = m.inputShapes.map((s) => zeros(s.map((d, k) => d ?? (k === 0 ? batch : 1))));
  const rows = noGrad(() => m.nodeTable(...inputs));
  const lines = rows.map((r) => [r.name, r.op, r.shapes.map((s) => `[${s.join(', ')}]`).join(' '), r.params.toLocaleString('en-US')]);
  const head = ['node', 'op', 'output shape', 'params'];
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (l: string[]) => l.map((c, i) => (i === 3 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
  const total = rows.reduce((p, r) => p + r.params, 0);
  return [`${path}: ONNX opset ${m.opset}, inputs ${m.inputNames.map((n, i) => `${n} [${inputs[i]!.shape.join(', ')}]`).join(', ')}`, fmt(head), ...lines.map(fmt), `total params: ${total.toLocaleString('en-US')} (trainable: ${[...m.parameters()].reduce((p, t) => p + t.numel, 0).toLocaleString('en-US')})`].join('\n') + '\n';
}

interface Out {
  write(s: string): unknown;
}

const FLAGS: Record<string, FlagSpec> = {
  explain: { type: 'boolean', help: 'show every formula with the numbers substituted' },
  batch: { type: 'int', help: 'batch size N', default: 1, placeholder: 'N' },
  model: { type: 'string', help: `summarise a named model instead: ${Object.keys(MODELS).join(', ')}`, choices: Object.keys(MODELS), placeholder: 'NAME' },
};

const GRAMMAR = `Architecture strings: an input shape then layers, separated by "|":
  "3x128x128 | conv 32 k8 s2 p3 | maxpool 2 | conv 64 k3 p1"
  conv OUT k<k>[x<k>] [s<stride>] [p<pad>|p=same|valid|full] [d<dil>] [g<groups>] [nobias] [mode=reflect|replicate|circular]
  convT OUT k.. [s..] [p..] [op<outputPadding>] ...   maxpool K [s..] [p..] [d..] [ceil]   avgpool K [...]
  adaptiveavg HxW   fc OUT | linear OUT   flatten   relu leakyrelu [SLOPE] sigmoid tanh gelu softmax logsoftmax
  bn [noaffine]   dropout P   res( LAYER | LAYER ... )   (a residual block: its output is added to its input)
The same strings train: convkit train --model "1x28x28 | conv 8 k3 p1 | bn | relu | maxpool 2 | fc 10"`;

export function summaryCommand(argv: readonly string[], out: Out): number {
  if (argv.includes('--help')) {
    out.write(helpText('usage: convkit summary "ARCHITECTURE" [--explain] [--batch N]\n       convkit summary --model NAME [--explain]\n       convkit summary MODEL.onnx [--batch N]', GRAMMAR, FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('summary', argv, FLAGS);
  const explain = flags['explain'] === true;
  const batch = flags['batch'] as number;
  if (flags['model'] !== undefined) {
    const arch = MODELS[flags['model'] as string]!.architecture;
    out.write(`${arch}\n${formatSummary(summarizeArchitecture(arch, { explain, batch }), { explain })}\n`);
    return 0;
  }
  if (positional.length === 1 && positional[0]!.endsWith('.onnx')) {
    out.write(onnxTable(positional[0]!, batch));
    return 0;
  }
  if (positional.length !== 1) {
    throw new ValueError({ op: 'convkit summary', arg: 'ARCHITECTURE', expected: 'one quoted architecture string (or --model NAME)', got: positional.length ? positional.join(' ') : 'nothing' });
  }
  out.write(formatSummary(summarizeArchitecture(positional[0]!, { explain, batch }), { explain }) + '\n');
  return 0;
}
