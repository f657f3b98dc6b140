/**
 * convkit.nn: modules (PyTorch's torch.nn). `Module` with parameters, buffers, submodules,
 * state dicts and forward hooks; layers mirroring torch's constructors; `init` and `utils`.
 */
export { Module, Parameter, pyFloat, pyTuple, pyBool } from './module.js';
export type { AnyModule, ForwardHook, HookRemover, StateDict, LoadStateDictOptions, LoadStateDictResult } from './module.js';
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, ConvNd, ConvTransposeNd } from './conv.js';
export type { ConvLayerOptions, ConvTransposeLayerOptions } from './conv.js';
export {
  Linear,
  Identity,
  Flatten,
  ReLU,
  LeakyReLU,
  Sigmoid,
  Tanh,
  GELU,
  Softmax,
  LogSoftmax,
  Dropout,
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
} from './layers.js';
export type { LinearOptions, MaxPoolLayerOptions, AvgPoolLayerOptions } from './layers.js';
export { MaxPool3d, AvgPool3d, AdaptiveAvgPool3d } from './layers3d.js';
export { Residual } from './residual.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm } from './norm.js';
export type { BatchNormLayerOptions, LayerNormLayerOptions } from './norm.js';
export { Sequential, ModuleList } from './container.js';
export type { TensorModule } from './container.js';
export { RNNCell, GRUCell, LSTMCell, RNN, GRU, LSTM, GatedRNNCell } from './recurrent.js';
export type { RNNCellOptions, RNNOptions, Nonlinearity } from './recurrent.js';
export * as init from './init.js';
export * as utils from './utils.js';
