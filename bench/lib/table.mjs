// Markdown rendering of the results, ratios, fractions of the limit, the peak, targets, memory and
// scaling sections.
import { ROWS, value, speedRatio } from './rows.mjs';

/** The rows some system has a result for (a run limited by --workloads shows only its rows). */
const shownRows = (results) => ROWS.filter((row) => Object.values(results).some((r) => r?.[row.key] && !r[row.key].notRun));

export function fmt(v) {
  if (v === null || v === undefined) return '';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

function markdown(header, rows) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

const pct = (x) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
const cellText = (row, v) => (row.percent ? pct(v) : fmt(v));

/**
 * Main table: rows = workloads, columns = systems; notes (reduced batch/reps) become footnotes.
 * With `limit` (GFLOP/s), a last column gives the machine's WebAssembly limit on the GFLOP/s rows.
 */
export function resultsTable(results, systems, limit = null) {
  const notes = [];
  const noteIndex = new Map();
  const rows = shownRows(results).map((row) => [row.label, ...systems.map((s) => {
    const r = results[s.id]?.[row.key];
    if (!r) return 'not run';
    if (r.text) return r.text;
    const v = value(results, s.id, row);
    if (v === null) return '–';
    let txt = cellText(row, v);
    if (r.note) {
      const k = `${s.id} ${row.key}`;
      if (!noteIndex.has(k)) { notes.push(`${s.headerLabel ?? s.label}, ${row.key}: ${r.note}`); noteIndex.set(k, notes.length); }
      txt += ` [${noteIndex.get(k)}]`;
    }
    return txt;
  }), ...(limit ? [row.field === 'gflops' ? fmt(limit) : ''] : [])]);
  const header = ['', ...systems.map((s) => s.headerLabel ?? s.label), ...(limit ? ['wasm limit (2 × 1T FMA peak)'] : [])];
  const foot = notes.length ? `\n\n${notes.map((n, i) => `[${i + 1}] ${n}`).join('  \n')}` : '';
  return markdown(header, rows) + foot;
}

/** Speed-up of `base` over every other system, per row (> 1: convkit faster). */
export function ratioTable(results, base, systems) {
  const others = systems.filter((s) => s.id !== base.id);
  const rows = shownRows(results).filter((row) => !row.noRatio).map((row) => [row.label, ...others.map((s) => {
    const q = speedRatio(results, base.id, s.id, row);
    return q === null ? '–' : `${fmt(q)}×`;
  })]);
  return markdown([`${base.headerLabel ?? base.label} speed ÷`, ...others.map((s) => s.headerLabel ?? s.label)], rows);
}

/** Every GFLOP/s figure as a fraction of the limit (2 × the 1-thread relaxed-SIMD FMA peak). */
export function limitTable(results, systems, limit) {
  const rows = shownRows(results).filter((row) => row.field === 'gflops').map((row) => [row.label.replace(' GFLOP/s', ''), ...systems.map((s) => {
    const v = value(results, s.id, row);
    return v === null ? '–' : pct(v / limit);
  })]);
  return markdown(['% of the wasm limit', ...systems.map((s) => s.headerLabel ?? s.label)], rows);
}

/** The peak measurement: relaxed FMA and SIMD128 mul+add at 1 and 2 threads, each also ÷ the limit. */
export function peakText(p) {
  if (!p) return 'not run';
  if (p.error) return `error: ${p.error}`;
  const line = (name, k) => {
    const r = p[k];
    if (!r || r.error) return [name, r?.error ?? 'not measured', '', ''];
    const g = (t) => (t ? `${fmt(t.gflops)} (${p.limit ? pct(t.gflops / p.limit) : '?'}; fastest call ${fmt(t.bestGflops)})` : '');
    return [`${name}, ${r.accumulators} accumulators`, g(r.t1), g(r.t2), r.t1 && r.t2 ? `${(r.t2.gflops / r.t1.gflops).toFixed(2)}×` : ''];
  };
  return [
    markdown(['GFLOP/s, median (% of the limit; fastest call)', '1 thread', '2 threads', '2T ÷ 1T'], [line('relaxed-SIMD f32x4.relaxed_madd', 'relaxed'), line('SIMD128 f32x4.mul + f32x4.add', 'simd128')]),
    '',
    `Limit = ${p.limitText}${p.limit ? ` = **${fmt(p.limit)} GFLOP/s**` : ''}. Registers only, no memory traffic; ${p.accumulatorsTried.join('/')} accumulators tried, fastest kept; one worker thread per thread.`,
  ].join('\n');
}

/** R1: where each system's step goes (the profiled step closest to the median share). */
export function profileText(results, systems) {
  const key = ROWS.find((r) => r.field === 'outsideShare').key;
  const lines = [];
  for (const s of systems) {
    const r = results[s.id]?.[key];
    if (!r?.profile) continue;
    const q = r.profile;
    const top = q.top.map((o) => `${o.name} ${fmt(o.ms)}`).join(', ');
    lines.push(`- ${s.headerLabel ?? s.label}: outside convs **${pct(r.outsideShare)}** (median of ${r.profileReps} profiled steps, ${q.method}); that step ${fmt(q.totalMs)} ms, convs ${fmt(q.insideMs)} ms, ${q.ops} ops; most time (ms): ${top}`);
  }
  return lines.length ? lines.join('\n') : 'no profile (R1 not run)';
}

/** convkit: per cell, the ops that fell back to the reference backend and the copies between memories, in one call. */
export function diagnosticsText(results, systemId) {
  const lines = [];
  for (const [key, r] of Object.entries(results[systemId] ?? {})) {
    const d = r?.diagnostics;
    if (!d) continue;
    const fb = Object.entries(d.fallbacks);
    const mv = Object.entries(d.moves);
    if (!fb.length && !mv.length) continue;
    const n = fb.reduce((s, [, k]) => s + k, 0);
    lines.push(`- ${key}: ${n ? `${n} op${n === 1 ? '' : 's'} on the reference kernel (${fb.map(([op, k]) => `${op} ${k}`).join(', ')})` : 'no fallback'}${mv.length ? `; moves ${mv.map(([k, m]) => `${k} ${m.count} (${fmt(m.bytes / 2 ** 20)} MB)`).join(', ')}` : ''}`);
  }
  if (!lines.length) return 'none: every op of every cell ran on its backend, with no copies between memories';
  return `Ops that ran their reference kernel (no wasm kernel for them), and copies between JavaScript and wasm memory (\`wasm->host\` includes reading the cell's outputs back):\n\n${lines.join('\n')}`;
}

export function targetsText(targets) {
  return targets.map((t) => `- ${t.id} ${t.what}: **${t.status}**${t.detail ? ` — ${t.detail}` : ''}`).join('\n');
}

export function memoryText(m) {
  if (!m) return 'not run';
  if (m.error) return `error: ${m.error}`;
  const mb = (b) => (b === null || b === undefined ? '?' : `${fmt(b / 2 ** 20)} MB`);
  const first = m.samples[1] ?? m.samples[0];
  const last = m.samples[m.samples.length - 1];
  const ref = m.samples.find((s) => s.step === m.referenceStep) ?? first;
  const intro = `convkit wasm (${m.threads} thread${m.threads === 1 ? '' : 's'}), T1 steps at batch ${m.batch} in one synchronous loop: ${m.steps} steps in ${m.seconds.toFixed(1)} s (${fmt(m.stepsPerSec)} steps/s), final loss ${fmt(m.finalLoss)}; wasm high-water mark ${mb(m.highWater)}.`;
  const shown = m.samples.filter((s, i) => i <= 1 || s.step === ref.step || s.step === m.midStep || i === m.samples.length - 1);
  const table = markdown(['step', 'seconds', 'RSS MB', 'wasm memory', 'live buffers', 'live bytes', 'spills'], shown.map((s) => [s.step, s.seconds ?? '?', s.rssMB, mb(s.wasmBytes), s.liveBuffers ?? '?', mb(s.liveBytes), s.spills ?? '?']));
  const text = [
    `RSS: first sample ${first.rssMB} MB, at step ${ref.step} ${ref.rssMB} MB, last ${last.rssMB} MB, max sample ${m.maxSampleMB} MB, process maxRSS ${m.maxRssMB} MB. Wasm memory: max ${mb(m.maxWasmBytes)}; live buffers: max ${m.maxLiveBuffers}.`,
    `Flat: **${m.flat ? 'yes' : 'no'}** (RSS last vs step ${m.referenceStep}: ${(m.growth * 100).toFixed(1)}%, limit ±10%; vs step ${m.midStep}: ${(m.secondHalfGrowth * 100).toFixed(1)}%; wasm memory last vs step ${m.referenceStep}: ${m.wasmGrowth === null ? '?' : `${(m.wasmGrowth * 100).toFixed(1)}%`}).`,
  ];
  if (m.liveAfter) {
    const a = m.liveAfter;
    const d = a.after - a.before;
    text.push(`Live wasm buffers before the model was built: ${a.before} (${mb(a.beforeBytes)}); after the run, model and optimizer dropped, ${a.rounds} rounds of gc() + setTimeout: ${a.after} (${mb(a.afterBytes)}) — **${d === 0 ? 'back to baseline' : `${d > 0 ? '+' : ''}${d} vs baseline`}**.`);
  }
  return [intro, table, text.join('  \n')].join('\n\n');
}

export function scalingText(s) {
  if (!s) return 'not run';
  if (s.error) return `error: ${s.error}`;
  const rows = [
    ...s.vsBatch.map((p) => [`batch ${p.batch}, 26×26`, fmt(p.ms), fmt(p.gflops), p.reps]),
    ...s.vsSize.map((p) => [`batch ${p.batch}, ${p.size}×${p.size}`, fmt(p.ms), fmt(p.gflops), p.reps]),
  ];
  return `convkit wasm, ${s.threads} thread(s), W1 layer (32→64, 3×3, s1 p0) forward:\n\n${markdown(['', 'ms', 'GFLOP/s', 'reps'], rows)}`;
}
