/** The totals block of `formatSummary`. */
import { fmtInt } from './explain.js';
import type { SummaryResult } from './spec.js';

export { fmtInt };

/** Bytes as `1,234 B (0.00 MB)` (MB = 2^20 bytes, as torchinfo). */
export function fmtBytes(b: number): string {
  return `${fmtInt(b)} B (${(b / 1048576).toFixed(2)} MB)`;
}

export function totalsLines(result: SummaryResult): string[] {
  const t = result.totals;
  const bound = t.macsComplete ? '' : ' (lower bound: some MACs unknown)';
  return [
    `Total params: ${fmtInt(t.params)}`,
    `Trainable params: ${fmtInt(t.trainable)}`,
    `Non-trainable params: ${fmtInt(t.nonTrainable)}`,
    ...(t.buffers > 0 ? [`Buffers (running statistics, not params): ${fmtInt(t.buffers)}`] : []),
    `Total MACs (multiply-accumulates): ${fmtInt(t.macs)}${bound}`,
    `Total FLOPs (= 2 x MACs): ${fmtInt(t.flops)}${bound}`,
    `Other ops (comparisons, additions, elementwise; not in MACs or FLOPs): ${fmtInt(t.otherOps)}`,
    `Input size: ${fmtBytes(t.inputMemory)}`,
    `Activation memory (outputs kept for backward, float32): ${fmtBytes(t.activationMemory)}`,
    `Params size (float32): ${fmtBytes(t.paramMemory)}`,
    `Estimated total: ${fmtBytes(t.inputMemory + t.activationMemory + t.paramMemory)}`,
  ];
}
