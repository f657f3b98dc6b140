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
export { decodeImageFile, imageHeader, MAX_IMAGE_PIXELS } from './image_file.js';
export type { ImageFileOptions, ImageHeader } from './image_file.js';
export { parseCifar10, CIFAR10_CLASSES, CIFAR10_RECORD_BYTES } from './cifar.js';
export { randomSplit, Subset } from './split.js';
export { preprocessDigit, mnistPreprocess } from './preprocess.js';
export { randomShift, randomCrop, randomHorizontalFlip } from './augment.js';
export type { AugmentOptions, RandomCropOptions, RandomFlipOptions } from './augment.js';
export type { RandomSplitOptions } from './split.js';
export type { ImageOptions } from './image.js';
