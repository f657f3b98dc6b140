/** Reading PNG files from disk as model inputs (see `decodeImage` for the conversion). */
import type { Tensor } from '../tensor.js';
import { ValueError, fmtValue } from '../errors.js';
import type { ImageOptions } from '../data/image.js';
import { decodeImage } from '../data/image.js';
import { readBytes } from './files.js';

/**
 * A PNG (file path or bytes) as a float32 tensor [1, H, W] in [0, 1], converted to grey and
 * resized to `size` (default [28, 28]); see `ImageOptions` for `grey`, `invert` and `background`.
 */
export function readImage(source: string | Uint8Array, options: ImageOptions = {}): Tensor {
  const op = 'readImage';
  if (typeof source === 'string' && source.length > 0) return decodeImage(readBytes(op, source), options, source, op);
  if (source instanceof Uint8Array) return decodeImage(source, options, 'image bytes', op);
  throw new ValueError({ op, arg: 'source', expected: 'a file path or a Uint8Array of PNG data', got: fmtValue(source) });
}
