/** The `convkit` command line: dispatches to train / eval / predict / summary. */
import { readFileSync } from 'node:fs';
import { ConvkitError } from '../errors.js';
import { trainCommand } from './train.js';
import { evalCommand, predictCommand } from './eval.js';
import { summaryCommand } from './summary.js';
import { convCommand } from './conv.js';
import { exportCommand } from './export.js';
// the Node entry point: the wasm backend (the default) with worker_threads
import '../node/index.js';

const USAGE = `usage: convkit <command> [options]

Commands:
  train      train a CNN (default: the embedded MNIST digits) with a progress bar and checkpoints
  eval       evaluate a saved model on a test set
  predict    classify PNG images with a saved model
  summary    shapes, parameters, MACs (and the formulas) of an architecture string, a model or an ONNX file
  export     write a saved model as ONNX (--onnx OUT.onnx)
  conv       a 1-d or 2-d convolution of small arrays: output, extremes, zeros and every sum written out
Run convkit <command> --help (or -h) for a command's options; convkit --version prints the version.
`;

/** The package's version, from the package.json two levels above dist/src/cli/. */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'train':
        return await trainCommand(rest, process.stdout, process.stderr);
      case 'eval':
        return await evalCommand(rest, process.stdout);
      case 'predict':
        return predictCommand(rest, process.stdout, process.stderr);
      case 'export':
        return exportCommand(rest, process.stdout);
      case 'summary':
        return summaryCommand(rest, process.stdout);
      case 'conv':
        return convCommand(rest, process.stdout);
      case '--version':
      case '-V':
      case 'version':
        process.stdout.write(`convkit ${version()}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        process.stderr.write(`convkit: unknown command "${cmd}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof ConvkitError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
