/**
 * Reading a confusion matrix (confusion[t][p]: examples of true class t predicted as p): per-class
 * accuracy (recall) and a terminal table.
 */

/** Correct / total for every true class (NaN for a class with no examples). */
export function perClassAccuracy(confusion: readonly (readonly number[])[]): number[] {
  return confusion.map((row, t) => {
    const total = row.reduce((s, v) => s + v, 0);
    return total === 0 ? NaN : (row[t] ?? 0) / total;
  });
}

/**
 * The matrix as text: rows are true classes, columns predictions, then each class's accuracy.
 * `classes` names the rows (default the labels 0, 1, ...).
 */
export function formatConfusionMatrix(confusion: readonly (readonly number[])[], classes?: readonly string[]): string {
  const k = confusion.length;
  const names = Array.from({ length: k }, (_, i) => classes?.[i] ?? String(i));
  const acc = perClassAccuracy(confusion);
  const w = Math.max(3, ...confusion.flat().map((v) => String(v).length), ...names.map((_, i) => String(i).length));
  const label = Math.max(...names.map((n, i) => `${i} ${n}`.length), 'true \\ predicted'.length);
  const head = `${'true \\ predicted'.padEnd(label)} ${names.map((_, i) => String(i).padStart(w)).join(' ')}   accuracy`;
  const rows = confusion.map((row, t) => {
    const name = classes ? `${t} ${names[t]}` : names[t]!;
    const a = acc[t]!;
    return `${name.padEnd(label)} ${row.map((v) => String(v).padStart(w)).join(' ')}   ${Number.isNaN(a) ? '   --' : `${(100 * a).toFixed(1).padStart(5)}%`}`;
  });
  return [head, ...rows].join('\n');
}
