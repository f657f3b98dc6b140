/**
 * convkit.data: datasets, batching, transforms and the file formats, all browser-safe (no `node:`
 * imports). File access lives in `convkit/io`.
 */
export { TensorDataset } from './dataset.js';
export type { Dataset, Sample, Transform, TensorDatasetOptions } from './dataset.js';
export { DataLoader } from './loader.js';
export type { Batch, DataLoaderOptions } from './loader.js';
export { toTensor, normalize, compose } from './transforms.js';
export { digitsSplit, DIGIT_PIXELS } from './digits.js';
export type { DigitsSplit, DigitsSplitOptions } from './digits.js';
export { serializeSafetensors, parseSafetensors, MAX_HEADER_BYTES } from './safetensors.js';
export type { SafetensorsContents } from './safetensors.js';
export { parseIdx } from './idx.js';
export { decodeImage } from './image.js';
export { MAX_IMAGE_PIXELS } from './png_limits.js';
export type { ImageOptions } from './image.js';
// tensors from this entry point have their methods (x.sum(), x.tolist()...) even without importing 'convkit'
import '../methods.js';
