/**
 * What a WebGPU kernel is: the same destination-passing shape as every backend's kernels —
 * `run(info, outs, ins)` records GPU work for the op's plan and returns at once — plus
 * `supports(info, dtypes)`, false where the plan needs the reference kernel instead (float64,
 * or a size this device cannot bind).
 */
import type { DType } from '../../dtype.js';
import type { KernelTable } from '../../backend.js';
import type { OpDef, OpInfo } from '../../op.js';
import type { GpuBuf } from './runtime.js';

export interface GpuKernel<I> {
  readonly run: (info: I, outs: GpuBuf[], ins: GpuBuf[]) => void;
  readonly supports?: (info: I, dtypes: readonly DType[]) => boolean;
}

/** One table entry: an op and its kernel, and how to put them into a typed kernel table. */
export interface GpuEntry {
  readonly op: object;
  readonly kernel: GpuKernel<never>;
  readonly addTo: (t: KernelTable<GpuBuf>) => void;
}

export function entry<A, I extends OpInfo>(op: OpDef<A, I>, kernel: GpuKernel<I>): GpuEntry {
  const supports = (info: I, dtypes: readonly DType[], locations: readonly string[]): boolean =>
    (kernel.supports === undefined || kernel.supports(info, dtypes)) && !hostOnly(dtypes, info.outDtypes, locations);
  // the op and kernel are stored type-erased for lookups by op (tests); addTo keeps the plan type
  return { op, kernel: kernel as unknown as GpuKernel<never>, addTo: (t) => t.set(op, { run: kernel.run, supports }) };
}

/**
 * Work that starts in JavaScript memory and involves no float32 values stays there: int32 results
 * of float64 or int32 inputs (comparisons, masks, index arithmetic, counters) would otherwise land
 * on the GPU, and a float64 op consuming them later (its reference kernel) could not read them
 * back synchronously. Float32 work goes to the GPU wherever its inputs are.
 */
function hostOnly(dtypes: readonly DType[], outDtypes: readonly DType[], locations: readonly string[]): boolean {
  return dtypes.length > 0 && !dtypes.includes('float32') && !outDtypes.includes('float32') && locations.every((l) => l === 'host');
}

/** float32 everywhere (WebGPU has no float64; int32 only where a kernel says so). */
export const float32Only = (_info: unknown, dtypes: readonly DType[]): boolean => dtypes.every((d) => d === 'float32');

/** Workgroups of `size` threads covering n elements. */
export const groupsFor = (n: number, size = 256): number => Math.ceil(n / size);
