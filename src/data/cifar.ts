/**
 * The CIFAR-10 binary format ("CIFAR-10 binary version", data_batch_1.bin ... test_batch.bin):
 * records of 1 label byte (0-9) followed by 3072 pixel bytes, the 1024 red values of the 32×32
 * image row by row, then green, then blue — already the [3, 32, 32] channel-first layout.
 */
import { FormatError, ValueError, fmtValue } from '../errors.js';
import { Tensor } from '../tensor.js';
import { TensorDataset } from './dataset.js';

export const CIFAR10_RECORD_BYTES = 1 + 3 * 32 * 32;

/** CIFAR-10's label names, by label (batches.meta.txt). */
export const CIFAR10_CLASSES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * Parses one or more CIFAR-10 binary batches into a dataset of [3, 32, 32] float32 images in
 * [0, 1] and int32 labels. `sources` name the files in errors (a wrong size, a label above 9).
 */
export function parseCifar10(batches: readonly Uint8Array[], sources: readonly string[] = [], op = 'parseCifar10'): TensorDataset {
  if (!Array.isArray(batches) || !batches.every((b) => b instanceof Uint8Array)) {
    throw new ValueError({ op, arg: 'batches', expected: 'an array of Uint8Arrays (the batch files)', got: fmtValue(batches) });
  }
  let n = 0;
  batches.forEach((b, k) => {
    const name = sources[k] ?? `batch ${k}`;
    if (b.length === 0 || b.length % CIFAR10_RECORD_BYTES !== 0) {
      throw new FormatError({
        op,
        arg: 'file',
        expected: `a multiple of ${CIFAR10_RECORD_BYTES} bytes (1 label + 3072 pixels per record)`,
        got: `${b.length} bytes`,
        message: `${op}: ${name} is ${b.length} bytes, not a whole number of ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 records (${Math.floor(b.length / CIFAR10_RECORD_BYTES)} records and ${b.length % CIFAR10_RECORD_BYTES} bytes left over); is it the binary version of CIFAR-10?`,
      });
    }
    n += b.length / CIFAR10_RECORD_BYTES;
  });
  const px = new Float32Array(n * 3072);
  const labels = new Int32Array(n);
  let r = 0;
  batches.forEach((b, k) => {
    for (let at = 0; at < b.length; at += CIFAR10_RECORD_BYTES, r++) {
      const label = b[at]!;
      if (label > 9) {
        throw new FormatError({
          op,
          arg: 'file',
          expected: 'labels 0..9',
          got: String(label),
          message: `${op}: ${sources[k] ?? `batch ${k}`}: record ${at / CIFAR10_RECORD_BYTES} has label ${label}; CIFAR-10 labels are 0..9 (is this CIFAR-100, whose records have 2 label bytes?)`,
        });
      }
      labels[r] = label;
      for (let i = 0; i < 3072; i++) px[r * 3072 + i] = b[at + 1 + i]! / 255;
    }
  });
  return new TensorDataset(new Tensor(px, [n, 3, 32, 32]), labels);
}
