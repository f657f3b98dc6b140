// Markdown rendering of the results, ratios, targets, memory and scaling sections.
import { ROWS, value, speedRatio } from './rows.mjs';

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

/** Main table: rows = workloads, columns = systems; notes (reduced batch/reps) become footnotes. */
export function resultsTable(results, systems) {
  const notes = [];
  const noteIndex = new Map();
  const rows = ROWS.map((row) => [row.label, ...systems.map((s) => {
    const r = results[s.id]?.[row.key];
    if (!r) return 'not run';
    if (r.text) return r.text;
    let txt = fmt(value(results, s.id, row));
    if (r.note) {
      const k = `${s.id} ${row.key}`;
      if (!noteIndex.has(k)) { notes.push(`${s.headerLabel ?? s.label}, ${row.key}: ${r.note}`); noteIndex.set(k, notes.length); }
      txt += ` [${noteIndex.get(k)}]`;
    }
    return txt;
  })]);
  const header = ['', ...systems.map((s) => s.headerLabel ?? s.label)];
  const foot = notes.length ? `\n\n${notes.map((n, i) => `[${i + 1}] ${n}`).join('  \n')}` : '';
  return markdown(header, rows) + foot;
}

/** Speed-up of `base` over every other system, per row (> 1: convkit faster). */
export function ratioTable(results, base, systems) {
  const others = systems.filter((s) => s.id !== base.id);
  const rows = ROWS.map((row) => [row.label, ...others.map((s) => {
    const q = speedRatio(results, base.id, s.id, row);
    return q === null ? '–' : `${fmt(q)}×`;
  })]);
  return markdown([`${base.headerLabel ?? base.label} speed ÷`, ...others.map((s) => s.headerLabel ?? s.label)], rows);
}

export function targetsText(targets) {
  return targets.map((t) => `- ${t.id} ${t.what}: **${t.status}**${t.detail ? ` — ${t.detail}` : ''}`).join('\n');
}

export function memoryText(m) {
  if (!m) return 'not run';
  if (m.error) return `error: ${m.error}`;
  return [
    `convkit wasm (${m.threads} thread${m.threads === 1 ? '' : 's'}), T1 steps at batch ${m.batch}: ${m.steps} steps in ${m.seconds.toFixed(1)} s (${fmt(m.stepsPerSec)} steps/s), final loss ${fmt(m.finalLoss)}.`,
    `RSS first sample (step ${m.every}) ${m.firstMB} MB, at step ${m.referenceStep} ${m.samples.find((s) => s.step === m.referenceStep)?.rssMB} MB, last (step ${m.steps}) ${m.lastMB} MB, max sample ${m.maxSampleMB} MB, process maxRSS ${m.maxRssMB} MB.`,
    `Flat: **${m.flat ? 'yes' : 'no'}** (last vs step ${m.referenceStep}: ${(m.growth * 100).toFixed(1)}%, limit ±10%; last vs step ${m.midStep}: ${(m.secondHalfGrowth * 100).toFixed(1)}%).`,
  ].join('  \n');
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
