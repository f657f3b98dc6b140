/**
 * The models the ONNX export tests run through onnxruntime, and that scripts/fixtures_interop.py
 * passes through the ONNX checker (via scripts/interop_convkit.mjs): every nn layer with its
 * options, custom modules with functional forwards, and the interop models.
 */
import type { Tensor } from '../src/index.js';
import { add, cat, clamp, exp, mean, mul, nn, randn, sigmoid, softmax, sub, sum, tanh } from '../src/index.js';
import { INTEROP_MODELS } from './interop_models.js';

/** A custom module whose forward is functional ops only (no layers). */
class Functional extends nn.Module {
  w = randn([4, 4]).requiresGrad_(true);
  forward(x: Tensor): Tensor {
    const h = tanh(add(x.matmul(this.w), 1));
    const g = sigmoid(mul(h, 2));
    const z = cat([sub(h, g), clamp(exp(mul(h, 0.1)), 0.5, 2)], 1);
    return softmax(add(z, mean(z, 1, { keepdim: true })), 1).mul(sum(z).neg().exp().add(1));
  }
}

export interface ExportCase {
  build: () => nn.AnyModule;
  input: Tensor[];
}

const seq = (...m: nn.Module[]) => () => new nn.Sequential(...m);
const one = (m: () => nn.AnyModule, ...shape: number[]): ExportCase => ({ build: m, input: [randn(shape)] });

/** Built lazily so that manualSeed before the call makes them reproducible. */
export function exportCases(): Record<string, ExportCase> {
  const cases: Record<string, ExportCase> = {
    conv1d: one(seq(new nn.Conv1d(2, 4, 3, { stride: 2, padding: 1, dilation: 2 })), 2, 2, 11),
    'conv1d groups circular': one(seq(new nn.Conv1d(4, 6, 3, { padding: 2, groups: 2, paddingMode: 'circular', bias: false })), 1, 4, 7),
    'conv2d same reflect': one(seq(new nn.Conv2d(2, 4, [3, 2], { padding: 'same', paddingMode: 'reflect' })), 1, 2, 6, 5),
    'conv2d replicate dilation': one(seq(new nn.Conv2d(3, 3, 3, { padding: 2, dilation: 2, groups: 3, paddingMode: 'replicate' })), 2, 3, 7, 7),
    'conv2d same stride 2': one(seq(new nn.Conv2d(2, 3, 4, { padding: 'same', stride: 2 })), 1, 2, 9, 8),
    conv3d: one(seq(new nn.Conv3d(2, 4, 2, { stride: 2, padding: 1 })), 1, 2, 5, 4, 5),
    convTranspose1d: one(seq(new nn.ConvTranspose1d(3, 2, 4, { stride: 3, padding: 1, outputPadding: 2, dilation: 1 })), 2, 3, 5),
    'convTranspose2d groups': one(seq(new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2 })), 1, 4, 4, 5),
    convTranspose3d: one(seq(new nn.ConvTranspose3d(2, 2, 2, { stride: 2 })), 1, 2, 3, 2, 3),
    'maxPool1d dilation ceil': one(seq(new nn.MaxPool1d(2, { stride: 2, dilation: 3, padding: 1, ceilMode: true })), 1, 2, 10),
    'maxPool2d ceil': one(seq(new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true })), 1, 2, 6, 7),
    'avgPool1d ceil count_include_pad': one(seq(new nn.AvgPool1d(3, { stride: 2, padding: 1, ceilMode: true })), 1, 2, 6),
    'avgPool2d ceil no pad count': one(seq(new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })), 1, 2, 6, 6),
    'avgPool2d divisor_override': one(seq(new nn.AvgPool2d(2, { ceilMode: true, divisorOverride: 3 })), 1, 2, 5, 5),
    'adaptiveAvgPool2d uneven': one(seq(new nn.AdaptiveAvgPool2d([3, 2])), 1, 2, 7, 6),
    'adaptiveAvgPool1d even': one(seq(new nn.AdaptiveAvgPool1d(2)), 1, 2, 8),
    'batchNorm2d + relu': one(seq(new nn.Conv2d(2, 3, 3), new nn.BatchNorm2d(3, { momentum: 0.3 }), new nn.ReLU()), 2, 2, 5, 5),
    'batchNorm1d no affine': one(seq(new nn.BatchNorm1d(3, { affine: false })), 4, 3),
    layerNorm: one(seq(new nn.LayerNorm([3, 4], { eps: 1e-3 })), 2, 5, 3, 4),
    'layerNorm no affine': one(seq(new nn.LayerNorm(6, { elementwiseAffine: false })), 2, 6),
    activations: one(seq(new nn.LeakyReLU(0.2), new nn.GELU(), new nn.Tanh(), new nn.GELU({ approximate: 'tanh' }), new nn.Sigmoid(), new nn.Identity()), 3, 5),
    'linear 2-d (Gemm) softmax': one(seq(new nn.Linear(6, 4), new nn.Softmax(1)), 3, 6),
    'linear 3-d (MatMul + Add) log-softmax': one(seq(new nn.Linear(6, 4, { bias: true }), new nn.LogSoftmax(-1)), 2, 3, 6),
    'linear no bias': one(seq(new nn.Linear(6, 4, { bias: false })), 2, 3, 6),
    'flatten dropout': one(seq(new nn.Conv2d(1, 2, 3), new nn.Dropout(0.5), new nn.Flatten(), new nn.Linear(18, 3)), 2, 1, 5, 5),
    'rnn relu 2 layers': one(() => new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2 }), 5, 2, 3),
    'gru batch first': one(() => new nn.GRU(3, 4, { batchFirst: true }), 2, 5, 3),
    'lstm 2 layers unbatched': one(() => new nn.LSTM(3, 4, { numLayers: 2 }), 5, 3),
    'gru 2 layers with h0': { build: () => new nn.GRU(3, 4, { numLayers: 2 }), input: [randn([5, 2, 3]), randn([2, 2, 4])] },
    functional: one(() => new Functional(), 3, 4),
  };
  for (const [name, { build, input }] of Object.entries(INTEROP_MODELS)) cases[`model ${name}`] = { build, input: [randn(input)] };
  return cases;
}
