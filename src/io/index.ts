/**
 * convkit/io: Node-only file access (checkpoints, datasets on disk, images). The formats themselves
 * are browser-safe and live in `convkit.data` (serializeSafetensors, parseSafetensors, parseIdx,
 * decodeImage).
 */
export { save, load } from './checkpoint.js';
export { loadDigits, loadIdx, idxDataset, fashionMnist, FASHION_MNIST_DIR, FASHION_MNIST_CLASSES } from './datasets.js';
export { readImage } from './image.js';
export { cifar10, imageFolder } from './image_data.js';
export type { ImageDataset, ImageFolderOptions } from './image_data.js';
export { saveOnnx, loadOnnx } from './onnx.js';
