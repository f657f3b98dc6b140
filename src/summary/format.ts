/**
 * `formatSummary(result)`: a torchinfo-like text table (layer, output shape, params, MACs, other
 * ops), the totals (params, MACs, FLOPs = 2·MACs, memory) and, when the summary was made with
 * `explain` (or `{explain: true}` is passed here and the rows carry working), each row's formulas.
 */
import { fmtInt, totalsLines } from './format_util.js';
import type { SummaryResult, SummaryRow } from './spec.js';
import { totalsExplanation } from './summarize.js';

export interface FormatOptions {
  /** Print the working under the table. Default: whether the summary was made with explain. */
  readonly explain?: boolean;
}

function shapeText(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

function macsText(r: SummaryRow): string {
  return r.macs === null ? '?' : fmtInt(r.macs);
}

function otherText(r: SummaryRow): string {
  const n = r.otherOps.reduce((s, o) => s + o.count, 0);
  return n === 0 ? '--' : fmtInt(n);
}

export function formatSummary(result: SummaryResult, options: FormatOptions = {}): string {
  const header = ['Layer (type)', 'Output shape', 'Params', 'MACs', 'Other ops'];
  const body = result.rows.map((r) => [`${'  '.repeat(r.depth)}${r.name} (${r.description})`, shapeText(r.outputShape), r.params === 0 ? '--' : fmtInt(r.params), macsText(r), otherText(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmtRow = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd();
  const total = widths.reduce((s, w) => s + w, 0) + 3 * (widths.length - 1);
  const rule = '='.repeat(total);
  const out: string[] = [rule, fmtRow(header), rule];
  out.push(fmtRow(['Input', shapeText(result.inputShape), '', '', '']));
  for (const row of body) out.push(fmtRow(row));
  out.push(rule);
  out.push(...totalsLines(result));
  const unknown = result.rows.filter((r) => r.macs === null);
  if (unknown.length > 0) {
    out.push('MACs unknown (shown as ?; the totals above are lower bounds):');
    for (const r of unknown) out.push(`  ${r.name}: ${r.macsNote}`);
  }
  out.push(rule);
  const explain = options.explain ?? result.explained;
  if (explain && result.rows.some((r) => r.explain.length > 0)) {
    out.push('Working (formulas with the numbers substituted):');
    for (const r of result.rows) {
      out.push(`[${r.index}] ${r.name}: ${r.description}   ${shapeText(r.inputShape)} -> ${shapeText(r.outputShape)}`);
      for (const e of r.explain) out.push(`    ${e.text}${e.note ? `  (${e.note})` : ''}`);
      for (const o of r.otherOps) out.push(`    other ops: ${fmtInt(o.count)} ${o.kind} (${o.what})`);
      if (r.macsNote) out.push(`    note: ${r.macsNote}`);
    }
    out.push('Totals:');
    for (const t of totalsExplanation(result)) out.push(`    ${t}`);
    out.push(rule);
  }
  return out.join('\n');
}
