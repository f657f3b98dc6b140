/** `convkit summary`: shapes, parameters and multiply-accumulates of an architecture string or a named model. */
import { ValueError } from '../errors.js';
import { buildModel, MODELS } from '../models/index.js';
import { formatSummary, summarizeArchitecture, summary } from '../summary/index.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs, wantsHelp } from './args.js';

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
  adaptiveavg HxW   fc OUT | linear OUT   flatten   relu sigmoid tanh gelu softmax   bn   dropout P`;

export function summaryCommand(argv: readonly string[], out: Out): number {
  if (wantsHelp(argv)) {
    out.write(helpText('usage: convkit summary "ARCHITECTURE" [--explain] [--batch N]\n       convkit summary --model NAME [--explain]', GRAMMAR, FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('summary', argv, FLAGS);
  const explain = flags['explain'] === true;
  const batch = flags['batch'] as number;
  if (flags['model'] !== undefined) {
    const result = summary(buildModel(flags['model'] as string), [batch, 1, 28, 28], { explain });
    out.write(formatSummary(result, { explain }) + '\n');
    return 0;
  }
  if (positional.length !== 1) {
    throw new ValueError({ op: 'convkit summary', arg: 'ARCHITECTURE', expected: 'one quoted architecture string (or --model NAME)', got: positional.length ? positional.join(' ') : 'nothing' });
  }
  out.write(formatSummary(summarizeArchitecture(positional[0]!, { explain, batch }), { explain }) + '\n');
  return 0;
}
