// Rows of the report tables: which cell they read and which number, and how to compare two
// systems on it ("speed": higher is better; latency rows are turned into 1/ms). `noRatio` rows
// (shares, ratios to a floor) are not speeds and stay out of the ratio tables.
import { CONVS, cellKey } from './workloads.mjs';

export const ROWS = [
  ...Object.keys(CONVS).map((id) => ({ label: `${id} fwd GFLOP/s`, key: cellKey({ workload: id, mode: 'fwd' }), field: 'gflops' })),
  ...Object.keys(CONVS).map((id) => ({ label: `${id} fwd+bwd GFLOP/s`, key: cellKey({ workload: id, mode: 'fwdbwd' }), field: 'gflops' })),
  { label: 'T1 train images/s (b64)', key: cellKey({ workload: 'T1', mode: 'train' }), field: 'imagesPerSec' },
  { label: 'T1 train GFLOP/s', key: cellKey({ workload: 'T1', mode: 'train' }), field: 'gflops' },
  { label: 'T2 infer images/s (b64)', key: cellKey({ workload: 'T2', mode: 'infer', batch: 64 }), field: 'imagesPerSec' },
  { label: 'T2 infer latency ms (b1)', key: cellKey({ workload: 'T2', mode: 'infer', batch: 1 }), field: 'ms', lowerIsBetter: true },
  { label: 'R1 resblock train ms/step (b32)', key: cellKey({ workload: 'R1', mode: 'train' }), field: 'ms', lowerIsBetter: true },
  { label: 'R1 resblock train GFLOP/s', key: cellKey({ workload: 'R1', mode: 'train' }), field: 'gflops' },
  { label: 'R1 share outside convs', key: cellKey({ workload: 'R1', mode: 'train' }), field: 'outsideShare', percent: true, noRatio: true },
  { label: 'E1 chain ms (24 ops, 2.4 M)', key: cellKey({ workload: 'E1', mode: 'chain' }), field: 'ms', lowerIsBetter: true },
  { label: 'E1 chain ÷ copy floor', key: cellKey({ workload: 'E1', mode: 'chain' }), field: 'overFloor', noRatio: true },
];

/** The row's number for one system, or null (n/a, error, timeout, not run). */
export function value(results, systemId, row) {
  const r = results[systemId]?.[row.key];
  const v = r?.[row.field];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Speed-up of system a over system b on a row (> 1: a is faster), or null. */
export function speedRatio(results, a, b, row) {
  if (row.noRatio) return null;
  const va = value(results, a, row);
  const vb = value(results, b, row);
  if (va === null || vb === null || va === 0 || vb === 0) return null;
  return row.lowerIsBetter ? vb / va : va / vb;
}
