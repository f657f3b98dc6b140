/**
 * Checks WebGPU kernels against the reference kernels on the very plans real calls produce: `fn`
 * runs on the reference backend while every op it executes is observed; each op that has a
 * WebGPU kernel is then re-run on the GPU with the same inputs and plan, and its outputs must
 * match the reference outputs (float32 within a tolerance scaled to the output's magnitude,
 * int32 exactly, NaN and infinities in the same places).
 */
import assert from 'node:assert/strict';
import { getBackend, observeOps, setBackend } from '../src/index.js';
import type { OpEvent } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { webgpuKernels } from '../src/backends/webgpu/kernels.js';
import type { GpuKernel } from '../src/backends/webgpu/kernel.js';
import { runtime } from './webgpu_helpers.js';

const table = new Map<unknown, GpuKernel<unknown>>(webgpuKernels.map((e) => [e.op, e.kernel as unknown as GpuKernel<unknown>]));

/** Ops executed on the GPU by `checkOnGpu`, in order (tests assert the ones they target ran). */
export interface CheckResult {
  readonly ran: string[];
  /** Ops with a WebGPU kernel whose `supports` declined the plan. */
  readonly declined: string[];
}

/**
 * Max allowed |gpu - ref| per element: rtol·(|ref| + max|ref|) (+ a tiny floor), i.e. relative
 * to the output's scale, since float32 sums on the GPU and float64 sums on the host differ by a
 * few ulps of the terms, not of the result.
 */
function compare(what: string, got: Float32Array | Int32Array, ref: ArrayLike<number>, rtol: number): void {
  assert.equal(got.length, ref.length, `${what}: length`);
  if (got instanceof Int32Array) {
    for (let i = 0; i < ref.length; i++) if (got[i] !== ref[i]) assert.fail(`${what}: element ${i} is ${got[i]}, expected ${ref[i]}`);
    return;
  }
  let scale = 0;
  for (let i = 0; i < ref.length; i++) if (Number.isFinite(ref[i]!)) scale = Math.max(scale, Math.abs(ref[i]!));
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const g: number = got[i]!;
    if (Number.isNaN(r) || !Number.isFinite(r)) {
      if (!Object.is(g, r) && !(Number.isNaN(r) && Number.isNaN(g))) assert.fail(`${what}: element ${i} is ${g}, expected ${r}`);
      continue;
    }
    const lim = rtol * (Math.abs(r) + scale) + 1e-30;
    if (!(Math.abs(g - r) <= lim)) assert.fail(`${what}: element ${i} is ${g}, expected ${r} (|diff| ${Math.abs(g - r)} > ${lim})`);
  }
}

function gpuData(t: Tensor): Float32Array | Int32Array {
  const d = t.data;
  if (d instanceof Float32Array || d instanceof Int32Array) return d;
  throw new Error(`checkOnGpu: ${t.dtype} input (only float32/int32 go to the GPU)`);
}

export interface CheckOptions {
  /** Tolerance relative to the output's scale (see `compare`). */
  rtol?: number;
  /** Runs after the reference pass and before the GPU replay (e.g. re-seeding the generator a mask draws from). */
  beforeReplay?: () => void;
}

export async function checkOnGpu(fn: () => unknown, opts: number | CheckOptions = {}): Promise<CheckResult> {
  const { rtol = 2e-6, beforeReplay } = typeof opts === 'number' ? { rtol: opts } : opts;
  const rt = await runtime();
  const events: OpEvent[] = [];
  const prev = getBackend();
  setBackend('reference');
  try {
    observeOps((e) => events.push(e), fn);
  } finally {
    setBackend(prev);
  }
  beforeReplay?.();
  const ran: string[] = [];
  const declined: string[] = [];
  for (const e of events) {
    // ops that share another op's kernel (conv2d → conv, add_ → addAlpha) name it in kernelOf
    const k = e.def ? table.get(e.def.kernelOf ?? e.def) : undefined;
    if (!k || !e.info) continue;
    if (k.supports && !k.supports(e.info, e.inputs.map((t) => t.dtype))) {
      declined.push(e.name);
      continue;
    }
    const ins = e.inputs.map((t) => rt.upload(gpuData(t)));
    const outs = e.info.outShapes.map((s, i) => rt.alloc(e.info!.outDtypes[i]!, s.reduce((p, d) => p * d, 1)));
    k.run(e.info, outs, ins);
    for (let i = 0; i < outs.length; i++) {
      compare(`${e.name} output ${i} (shape [${e.info.outShapes[i]!.join(', ')}])`, await rt.read(outs[i]!), e.outputs[i]!.data, rtol);
    }
    for (const b of [...ins, ...outs]) rt.free(b);
    ran.push(e.name);
  }
  return { ran, declined };
}
