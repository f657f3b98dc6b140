/**
 * wasm kernels of the point-wise activations and their backward ops (src/ops/activation.ts):
 * flat maps of the `eltMap` job (assembly/eltwise_ops*.ts says what each computes and how exactly),
 * float32 only. relu keeps NaN (f32x4.max); its backward passes g where x > 0.
 *
 * The dropout mask is drawn on the host by the op's seeded generator, in the reference kernel's
 * order, straight into the output's wasm memory: the same seed gives the same mask on either
 * backend, and neither the mask nor the input it multiplies ever moves between memories.
 */
import type { ActInfo, DropoutMaskInfo } from '../../plans.js';
import type { KernelEntry, KernelTable } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { PointwiseOps } from '../../ops/activation.js';
import { eluOps, geluOps, leakyReluOps, reluOps, sigmoidOps, siluOps, softplusOps, tanhOps } from '../../ops/activation.js';
import { dropoutMaskOp } from '../../ops/activation_dropout.js';
import type { Block } from './heap.js';
import { heapF32 } from './heap.js';
import { ELT_OP } from './abi.js';
import type { Cost, MapParams } from './eltwise.js';
import { MAX_ELEMENTS, runFlat } from './eltwise.js';

const supports = (info: ActInfo, dtypes: readonly DType[]): boolean => info.n < MAX_ELEMENTS && dtypes.every((d) => d === 'float32');

/** Forward (one operand) and backward (g, v) kernels of an activation: op codes, parameters, cost. */
function pair(name: string, fwd: (i: ActInfo) => number, bwd: (i: ActInfo) => number, params: (i: ActInfo) => MapParams, cost: Cost): [KernelEntry<ActInfo, Block>, KernelEntry<ActInfo, Block>] {
  return [
    { supports, run: (info, [out], [x]) => runFlat(fwd(info), name, out!, [x!], params(info), cost) },
    { supports, run: (info, [out], [g, v]) => runFlat(bwd(info), `${name}Backward`, out!, [g!, v!], params(info), cost) },
  ];
}

const none = (): MapParams => ({});
const param = (i: ActInfo): MapParams => ({ d0: i.param });
const gelu = (i: ActInfo): boolean => i.approximate === 'tanh';

const ACTIVATIONS: [PointwiseOps, ReturnType<typeof pair>][] = [
  [reluOps, pair('relu', () => ELT_OP.relu, () => ELT_OP.reluBwd, none, 1)],
  [leakyReluOps, pair('leakyRelu', () => ELT_OP.leaky, () => ELT_OP.leakyBwd, param, 2)],
  [sigmoidOps, pair('sigmoid', () => ELT_OP.sigmoid, () => ELT_OP.sigmoidBwd, none, 4)],
  [tanhOps, pair('tanh', () => ELT_OP.tanh, () => ELT_OP.tanhBwd, none, 4)],
  [geluOps, pair('gelu', (i) => (gelu(i) ? ELT_OP.geluTanh : ELT_OP.gelu), (i) => (gelu(i) ? ELT_OP.geluTanhBwd : ELT_OP.geluBwd), none, 16)],
  // β and the threshold as float32 select the same branch (βx is a float32 product here)
  [softplusOps, pair('softplus', () => ELT_OP.softplus, () => ELT_OP.softplusBwd, (i) => ({ d0: i.param, d1: i.threshold }), 8)],
  [eluOps, pair('elu', () => ELT_OP.elu, () => ELT_OP.eluBwd, param, 4)],
  [siluOps, pair('silu', () => ELT_OP.silu, () => ELT_OP.siluBwd, none, 4)],
];

/** The reference kernel's draw order (one uniform per element, kept when >= p), into wasm memory. */
const dropoutMask: KernelEntry<DropoutMaskInfo, Block> = {
  supports: (info) => info.outDtypes[0] === 'float32' && info.outShapes[0]!.reduce((p, d) => p * d, 1) < MAX_ELEMENTS,
  run: (info, [out]) => {
    const o = heapF32(out!);
    const g = info.generator;
    const { p, scale } = info;
    for (let i = 0; i < o.length; i++) o[i] = g.random() >= p ? scale : 0;
  },
};

/** Registers the activation kernels in the wasm backend's table. */
export function registerActivations(t: KernelTable<Block>): void {
  for (const [ops, [fwd, bwd]] of ACTIVATIONS) t.set(ops.forwardOp, fwd).set(ops.backwardOp, bwd);
  t.set(dropoutMaskOp, dropoutMask);
}
