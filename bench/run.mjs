#!/usr/bin/env node
// convkit benchmark harness: `node bench/run.mjs [--quick] [--only convkit,tfjs-wasm,...]
//   [--workloads W1,T1,R1,...] [--skip peak,verify,scaling,memory] [--timeout SECONDS]
//   [--retries N] [--out FILE]`
// Measures every workload (lib/workloads.mjs) on every system (lib/systems.mjs), each system in
// its own child process, one after another, plus the machine's WebAssembly peak (lib/peak.mjs);
// prints markdown tables to stdout (progress goes to stderr) and writes bench/results.json.
// Protocol: bench/README.md and lib/timing.mjs.
// convkit is imported from `${repo}/${CONVKIT_DIST || 'dist'}/src/index.js`.
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { allCells, cellKey, runsCell } from './lib/workloads.mjs';
import { selectSystems } from './lib/systems.mjs';
import { runSystemCells, runJob } from './lib/orchestrate.mjs';
import { PROTOCOL } from './lib/timing.mjs';
import { ROWS, speedRatio } from './lib/rows.mjs';
import { checkTargets, ortThreadCheck, crossCheck } from './lib/targets.mjs';
import { resultsTable, ratioTable, limitTable, peakText, profileText, diagnosticsText, targetsText, memoryText, scalingText, fmt } from './lib/table.mjs';
import { machineBusySeconds, otherCores } from './lib/contention.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const dist = process.env.CONVKIT_DIST || 'dist';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    skip: { type: 'string', default: '' },
    timeout: { type: 'string' },
    retries: { type: 'string' },
    workloads: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write('usage: node bench/run.mjs [--quick] [--only SYSTEMS] [--workloads W1,T1,R1,E1,...] [--skip peak,verify,scaling,memory] [--timeout S] [--retries N] [--out FILE]\nsee bench/README.md\n');
  process.exit(0);
}
const quick = args.quick;
const skip = new Set(args.skip.split(',').filter(Boolean));
const cellTimeoutMs = Number(args.timeout ?? (quick ? 60 : 120)) * 1000;
const retries = Number(args.retries ?? 1);
/** Cores used by other processes above which a system's figures are considered disturbed. */
const BUSY = 0.25;
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

if (!existsSync(`${root}/${dist}/src/index.js`)) {
  log(`convkit build not found at ${root}/${dist}/src/index.js (build it, or set CONVKIT_DIST)`);
  process.exit(2);
}

let selected;
try {
  selected = selectSystems(args.only, quick);
} catch (e) {
  log(e.message);
  process.exit(2);
}
// the peak is a job of its own, not a column of cells
const peakSystem = skip.has('peak') ? null : selected.find((s) => s.job === 'peak');
const systems = selected.filter((s) => !s.job);
const wanted = args.workloads ? new Set(args.workloads.split(',').map((w) => w.trim())) : null;
const cells = allCells().filter((c) => !wanted || wanted.has(c.workload));
if (!cells.length) {
  log(`--workloads: none of ${args.workloads} is a workload; known: ${[...new Set(allCells().map((c) => c.workload))].join(', ')}`);
  process.exit(2);
}
const outFile = args.out ? resolve(args.out) : `${here}/results.json`;
const started = Date.now();
log(`convkit bench: ${quick ? 'quick' : 'full'} run, convkit from ${dist}/, systems: ${[...systems, ...(peakSystem ? [peakSystem] : [])].map((s) => s.id).join(', ')}`);

// 0. the machine's WebAssembly peak (the limit every GFLOP/s figure is read against)
let peak = null;
if (peakSystem) {
  log(`\n== wasm peak (relaxed-SIMD FMA and SIMD128, 1 and 2 threads; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  const busy0 = machineBusySeconds();
  const t0 = performance.now();
  peak = await runJob({ kind: 'peak', quick }, 600_000);
  if (!peak.error) peak.otherCores = otherCores(busy0, machineBusySeconds(), peak.cpuSeconds, (performance.now() - t0) / 1000);
  log(`  ${peak.error ? `error: ${peak.error}` : `relaxed 1T ${fmt(peak.relaxed?.t1?.gflops)} 2T ${fmt(peak.relaxed?.t2?.gflops)}, SIMD128 1T ${fmt(peak.simd128?.t1?.gflops)} 2T ${fmt(peak.simd128?.t2?.gflops)} GFLOP/s; limit ${fmt(peak.limit)}`}`);
}
const limit = peak?.limit ?? null;

// 1. the main table, one child per system, sequentially
const results = {};
const infos = {};
for (const system of systems) {
  const mine = cells.filter((c) => runsCell(system, c));
  // the load average before each system is recorded: a busy machine explains odd figures
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  log(`\n== ${system.id} (load average ${load})`);
  let t0 = Date.now();
  const runIt = () => runSystemCells(system, mine, {
    root, dist, quick, cellTimeoutMs,
    log: (s, res) => log(`  ${res.workload ? `${cellKey({ ...res, batch: res.nominalBatch ?? res.batch }).padEnd(16)} ` : ''}${res.text ?? `${fmt(res.ms)} ms${res.gflops ? `  ${fmt(res.gflops)} GFLOP/s` : ''}${res.imagesPerSec ? `  ${fmt(res.imagesPerSec)} images/s` : ''}${res.overFloor ? `  ${fmt(res.overFloor)}× the copy floor (${fmt(res.floorMs)} ms)` : ''}${res.outsideShare !== undefined ? `  ${(100 * res.outsideShare).toFixed(0)}% outside convs` : ''}  (batch ${res.batch}, ${res.reps} reps)`}`),
  });
  let { results: r, info } = await runIt();
  // a system measured while other processes used > BUSY cores is measured again after a pause
  // (up to --retries times, default 1), keeping the quietest run; every attempt's figure is kept
  const attempts = [info.otherCores];
  for (let k = 0; k < retries && info.otherCores > BUSY && !info.skipped; k++) {
    log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s; other processes kept ${info.otherCores.toFixed(2)} cores busy: measuring ${system.id} again in 10 s)`);
    await new Promise((res) => setTimeout(res, 10_000));
    t0 = Date.now();
    const again = await runIt();
    attempts.push(again.info.otherCores);
    if (again.info.otherCores < info.otherCores) ({ results: r, info } = again);
  }
  if (attempts.length > 1) info = { ...info, otherCoresAttempts: attempts };
  // cells this system does not run (R1, E1 outside convkit and PyTorch) show "–"
  for (const c of cells) if (!runsCell(system, c)) r[cellKey(c)] = { workload: c.workload, mode: c.mode, text: '–', notRun: true };
  results[system.id] = r;
  infos[system.id] = { ...info, loadAverageBefore: load, seconds: (Date.now() - t0) / 1000 };
  if (system.id === 'convkit-wasm') system.headerLabel = `convkit wasm all (${info.threads}T)`;
  log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s${info.otherCores != null ? `; other processes kept ${info.otherCores.toFixed(2)} cores busy meanwhile` : ''})`);
}

// 2. the ONNX models checked against convkit (only when an ORT column was run)
let verification = null;
if (!skip.has('verify') && systems.some((s) => s.peer === 'ort')) {
  log('\n== verify ONNX models (onnxruntime vs convkit reference)');
  verification = await runJob({ kind: 'verify', root, dist }, 120_000);
  log(`  ${JSON.stringify(verification)}`);
}

// 3. scaling and 4. memory: convkit wasm (default threads) only
const withCk = systems.some((s) => s.id === 'convkit-wasm');
let scaling = null;
if (withCk && !skip.has('scaling')) {
  log('\n== scaling (convkit wasm, W1 layer)');
  scaling = await runJob({ kind: 'scaling', root, dist, quick }, 300_000);
}
let memory = null;
if (withCk && !skip.has('memory')) {
  const m = quick ? { steps: 1000, every: 100 } : { steps: 10000, every: 500 };
  log(`\n== memory (${m.steps} T1 steps at batch 4)`);
  memory = await runJob({ kind: 'memory', root, dist, batch: 4, ...m }, 20 * 60_000, ['--expose-gc']);
}

// report
const names = Object.fromEntries(systems.map((s) => [s.id, s.headerLabel ?? s.label]));
const targets = checkTargets(results, names, limit);
const ortThreads = ortThreadCheck(results);
const cross = crossCheck(results);
const machine = { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, os: `${platform()} ${release()}`, memoryGB: Math.round(totalmem() / 2 ** 30) };
const ckInfo = infos['convkit-wasm'] ?? infos['convkit-wasm-1t'];
const out = [];
out.push(`# convkit benchmark (${quick ? 'quick' : 'full'} run), ${new Date().toISOString()}`);
out.push(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; convkit from \`${dist}/\`${ckInfo ? `, wasm threads ${ckInfo.threads}${ckInfo.threadApi ? '' : ' (no setNumThreads in this build)'}` : ''}.`);
out.push(`Cores kept busy by other processes while each system ran (0 = quiet machine): ${[...systems.map((s) => `${s.id} ${infos[s.id]?.otherCores?.toFixed(2) ?? '?'}`), ...(peak ? [`wasm-peak ${peak.otherCores?.toFixed(2) ?? '?'}`] : [])].join(', ')}.`);
const busy = [...systems.filter((s) => infos[s.id]?.otherCores > BUSY && !infos[s.id]?.skipped).map((s) => s.id), ...(peak?.otherCores > BUSY ? ['wasm-peak'] : [])];
if (busy.length) out.push(`**Warning: the machine was busy (> ${BUSY} core used by other processes${retries ? ', even after a re-run' : ''}) during ${busy.join(', ')}: those figures are unreliable; re-run on a quiet machine.**`);
for (const s of systems) if (infos[s.id]?.skipped) out.push(`${s.label}: ${infos[s.id].skipped}.`);
out.push(`Medians; GFLOP/s = 2·MACs per call ÷ time, fwd+bwd counted as 3× forward; T1 = 4.584 GFLOP per batch-64 step; R1 = 14.50 GFLOP per batch-32 step (its convs only). Footnotes mark reduced batch or repetitions; – = not applicable.`);
out.push(`\n## Results\n\n${resultsTable(results, systems, limit)}`);
if (peakSystem) out.push(`\n## The machine's WebAssembly peak\n\n${peakText(peak)}`);
if (limit) out.push(`\n## GFLOP/s as a fraction of the wasm limit (${fmt(limit)} GFLOP/s)\n\n${limitTable(results, systems, limit)}`);
if (systems.some((s) => results[s.id]?.['R1:train']?.profile)) out.push(`\n## R1: where the residual-block step goes\n\n${profileText(results, systems)}`);
const base = systems.find((s) => s.id === 'convkit-wasm');
const base1 = systems.find((s) => s.id === 'convkit-wasm-1t');
if (base) out.push(`\n## Speed ratios, ${base.headerLabel ?? base.label} ÷ peer (> 1: convkit faster)\n\n${ratioTable(results, base, systems)}`);
if (base1) out.push(`\n## Speed ratios, ${base1.headerLabel ?? base1.label} ÷ peer\n\n${ratioTable(results, base1, systems)}`);
const diagSys = ['convkit-wasm', 'convkit-wasm-1t'].find((id) => results[id]);
if (diagSys) out.push(`\n## ${names[diagSys]}: kernels that ran elsewhere (one call per cell, from memoryStats())\n\n${diagnosticsText(results, diagSys)}`);
out.push(`\n## Targets\n\n${targetsText(targets)}`);
if (ortThreads) out.push(`\nort-web threads check: 2T ÷ 1T forward speed ${ortThreads.speedups.map((x) => x.toFixed(2)).join(', ')} (mean ${ortThreads.mean.toFixed(2)}; ≈1 would mean the second thread did not engage).`);
if (cross) out.push(`\nSame numbers? First-call results (first loss, first output or gradient element) of ${names[cross.a]} vs ${names[cross.b]} on the same data, relative difference: ${Object.entries(cross.diffs).map(([k, d]) => `${k} ${d.toExponential(1)}`).join(', ')}.`);
if (verification) out.push(`\nONNX models vs convkit reference, max |diff|: ${Object.entries(verification).map(([k, v]) => (typeof v === 'object' ? `${k} ${Object.entries(v).map(([w, d]) => `${w} ${typeof d === 'number' ? d.toExponential(1) : d}`).join(', ')}` : `${k} ${v}`)).join('; ')}`);
if (withCk && !skip.has('memory')) out.push(`\n## Memory\n\n${memoryText(memory)}`);
if (withCk && !skip.has('scaling')) out.push(`\n## Scaling\n\n${scalingText(scaling)}`);
out.push(`\n(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
console.log(out.join('\n'));

// results.json: flat cells list plus derived tables
const flatCells = [];
for (const s of systems) for (const c of cells) {
  const r = results[s.id]?.[cellKey(c)];
  if (!r) continue;
  const cell = { workload: c.workload, mode: c.mode, system: s.id, batch: r.batch ?? c.batch };
  if (r.notRun) continue;
  for (const k of ['ms', 'minMs', 'gflops', 'imagesPerSec', 'reps', 'nominalBatch', 'warmup', 'firstValue', 'diagnostics', 'floorMs', 'overFloor', 'outsideShare', 'profile', 'profileReps']) if (r[k] !== undefined) cell[k] = r[k];
  if (limit && r.gflops !== undefined) cell.fractionOfLimit = r.gflops / limit;
  if (r.note || r.text) cell.note = [r.text, r.note].filter(Boolean).join('; ');
  flatCells.push(cell);
}
const ratios = {};
for (const b of [base, base1].filter(Boolean)) {
  ratios[b.id] = Object.fromEntries(ROWS.filter((row) => !row.noRatio).map((row) => [row.label, Object.fromEntries(systems.filter((s) => s.id !== b.id).map((s) => [s.id, speedRatio(results, b.id, s.id, row)]))]));
}
const json = {
  date: new Date().toISOString(), quick, convkitDist: dist, machine,
  protocol: {
    ...(quick ? PROTOCOL.quick : PROTOCOL.full), cellTimeoutSeconds: cellTimeoutMs / 1000,
    text: 'one child process per system, run sequentially; warm-up then timed calls until targetReps or targetSeconds (at least minReps); median; outputs read back into JS inside the timed call; slow systems get the largest power-of-two batch whose call fits callBudgetSeconds',
  },
  systems: systems.map((s) => ({ id: s.id, label: s.headerLabel ?? s.label, info: infos[s.id] })),
  wasmPeak: peak, limit,
  cells: flatCells, ratios, targets: targets.map(({ parts, ...t }) => ({ ...t, parts })), ortWebThreads: ortThreads, convkitVsPytorch: cross, onnxVerification: verification, memory, scaling,
};
writeFileSync(outFile, `${JSON.stringify(json, null, 1)}\n`);
log(`\nwrote ${outFile}`);
