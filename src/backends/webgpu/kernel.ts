/**
 * What a WebGPU kernel is: the same destination-passing shape as every backend's kernels —
 * `run(info, outs, ins)` records GPU work for the op's plan and returns at once — plus
 * `supports(info, dtypes)`, false where the plan needs the reference kernel instead (float64,
 * or a size this device cannot bind).
 */
import type { DType } from '../../dtype.js';
import type { OpDef, OpInfo } from '../../op.js';
import type { GpuBuf } from './runtime.js';

export interface GpuKernel<I> {
  readonly run: (info: I, outs: GpuBuf[], ins: GpuBuf[]) => void;
  readonly supports?: (info: I, dtypes: readonly DType[]) => boolean;
}

/** One table entry: an op and its kernel (typed by the op's plan). */
export interface GpuEntry {
  readonly op: OpDef<never, OpInfo>;
  readonly kernel: GpuKernel<never>;
}

export function entry<A, I extends OpInfo>(op: OpDef<A, I>, kernel: GpuKernel<I>): GpuEntry {
  return { op: op as unknown as OpDef<never, OpInfo>, kernel: kernel as unknown as GpuKernel<never> };
}

/** float32 everywhere (WebGPU has no float64; int32 only where a kernel says so). */
export const float32Only = (_info: unknown, dtypes: readonly DType[]): boolean => dtypes.every((d) => d === 'float32');

/** Workgroups of `size` threads covering n elements. */
export const groupsFor = (n: number, size = 256): number => Math.ceil(n / size);
