/** convkit: convolutional networks in TypeScript. Named re-exports only. */
export { Tensor, isTensor } from './tensor.js';
export type { NestedArray } from './tensor.js';
export type { DType, Data } from './dtype.js';
export type { Shape } from './shape.js';
export { convOutSize, convOutFormula, broadcastShapes } from './shape.js';
export { ConvkitError, ShapeError, ValueError, DTypeError, FormatError, GradError, BackendError } from './errors.js';
export { setBackend, getBackend, listBackends, registerBackend } from './backend.js';
export type { Backend, Kernel } from './backend.js';
export { manualSeed, Generator } from './random.js';
export * from './creation.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/tape.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/movement.js';
export { grad, valueAndGrad, vjp, jvp, jacobian, hessian, gradcheck } from './autograd/functional.js';
export type { GradcheckOptions } from './autograd/functional.js';
