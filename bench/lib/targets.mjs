// The speed targets of issue 10 (and issue 9's element-wise chain), checked against the numbers of
// one run: convkit = the convkit wasm column at its default thread count (2 on the reference
// machine). limit = 2 × the 1-thread relaxed-SIMD FMA peak measured in the same run (peak.mjs).
// Each part reports its margin = achieved ÷ required, oriented so that ≥ 1 is met.
// Not checked here (not bench rows): `npm start` ≤ 35 s, Fashion-MNIST ≥ 91% on the wasm backend.
import { ROWS, value } from './rows.mjs';

const row = (label) => ROWS.find((r) => r.label === label);
const CK = 'convkit-wasm';
const f1 = (x) => (x === null || x === undefined ? '?' : x.toFixed(1));

function check(id, what, parts) {
  const known = parts.filter((p) => p.margin !== null);
  const ok = known.every((p) => p.margin >= 1);
  const status = known.length === 0 ? 'not measured' : !ok ? 'missed' : known.length < parts.length ? 'met where measured' : 'met';
  const detail = parts.map((p) => `${p.name} ${p.margin === null ? `n/m (${p.why})` : `${p.margin >= 1 ? 'met' : 'missed'} ×${p.margin.toFixed(2)}${p.info ? ` (${p.info})` : ''}`}`).join('; ');
  return { id, what, status, detail, parts };
}

/** A part: `achieved ÷ required` when both numbers exist, else why not. */
function part(name, achieved, required, info, whyMissing) {
  const margin = achieved !== null && achieved !== undefined && required ? achieved / required : null;
  return { name, margin, info, why: whyMissing };
}

export function checkTargets(results, names, limit) {
  const v = (sys, label) => value(results, sys, row(label));
  const cell = (sys, label) => results[sys]?.[row(label).key];
  const noLimit = 'no wasm peak measured';
  const noCk = `no ${names[CK] ?? CK} figure`;
  const out = [];

  const t1g = v(CK, 'T1 train GFLOP/s');
  const t1 = v(CK, 'T1 train images/s (b64)');
  const t1pt = v('pytorch-2t', 'T1 train images/s (b64)');
  out.push(check('T1', 'MNIST-net SGD step ≥ 50% of the wasm limit and ≥ 1.5× PyTorch CPU 2T', [
    part('limit', t1g, limit && (50 * limit) / 100, `${f1(t1g)} GFLOP/s = ${limit && t1g ? ((100 * t1g) / limit).toFixed(0) : '?'}% of ${f1(limit)}`, t1g === null ? noCk : noLimit),
    part('PyTorch', t1, t1pt && 1.5 * t1pt, `${f1(t1)} vs 1.5 × ${f1(t1pt)} images/s`, t1 === null ? noCk : 'no PyTorch 2T figure'),
  ]));

  out.push(check('fwd', 'forward W1–W4 ≥ 1.5× onnxruntime-web 2T', ['W1', 'W2', 'W3', 'W4'].map((w) => {
    const ck = v(CK, `${w} fwd GFLOP/s`);
    const ort = v('ort-web-2t', `${w} fwd GFLOP/s`);
    return part(w, ck, ort && 1.5 * ort, `${f1(ck)} vs 1.5 × ${f1(ort)} GFLOP/s`, ck === null ? noCk : 'no ort-web 2T figure');
  })));

  out.push(check('fwd+bwd', 'fwd+bwd W1–W4 ≥ 55% of the wasm limit', ['W1', 'W2', 'W3', 'W4'].map((w) => {
    const g = v(CK, `${w} fwd+bwd GFLOP/s`);
    return part(w, g, limit && (55 * limit) / 100, `${f1(g)} GFLOP/s = ${limit && g ? ((100 * g) / limit).toFixed(0) : '?'}%`, g === null ? noCk : noLimit);
  })));

  const rg = v(CK, 'R1 resblock train GFLOP/s');
  const rms = v(CK, 'R1 resblock train ms/step (b32)');
  const rpt = v('pytorch-2t', 'R1 resblock train ms/step (b32)');
  const share = v(CK, 'R1 share outside convs');
  out.push(check('R1', 'residual block step ≥ 45% of the limit, ≤ 20% of it outside convs, ≥ 0.5× PyTorch CPU 2T', [
    part('limit', rg, limit && (45 * limit) / 100, `${f1(rg)} GFLOP/s = ${limit && rg ? ((100 * rg) / limit).toFixed(0) : '?'}%`, rg === null ? noCk : noLimit),
    part('outside convs', share === null ? null : 0.2, share, `${share === null ? '?' : (100 * share).toFixed(0)}% vs ≤ 20%`, noCk),
    part('PyTorch', rpt && rms ? rpt / rms : null, 0.5, `${f1(rms)} ms vs PyTorch 2T ${f1(rpt)} ms`, rms === null ? noCk : 'no PyTorch 2T figure'),
  ]));

  const t2 = v(CK, 'T2 infer images/s (b64)');
  const t2ort = v('ort-web-2t', 'T2 infer images/s (b64)');
  out.push(check('T2 b64', 'inference batch 64 ≥ 1.2× onnxruntime-web 2T', [part('T2 b64', t2, t2ort && 1.2 * t2ort, `${f1(t2)} vs 1.2 × ${f1(t2ort)} images/s`, t2 === null ? noCk : 'no ort-web 2T figure')]));

  const l1 = v(CK, 'T2 infer latency ms (b1)');
  const l1ort = v('ort-web-2t', 'T2 infer latency ms (b1)');
  out.push(check('T2 b1', 'inference batch-1 latency ≤ onnxruntime-web 2T', [part('T2 b1', l1ort, l1, `${l1?.toFixed(3) ?? '?'} ms vs ${l1ort?.toFixed(3) ?? '?'} ms`, l1 === null ? noCk : 'no ort-web 2T figure')]));

  const w5 = cell(CK, 'W5 fwd GFLOP/s')?.ms ?? null;
  const w5on = cell('ort-node', 'W5 fwd GFLOP/s')?.ms ?? null;
  out.push(check('W5', 'depthwise forward time ≤ onnxruntime-node', [part('W5', w5on, w5, `${w5?.toFixed(2) ?? '?'} ms vs ort-node ${w5on?.toFixed(2) ?? '?'} ms`, w5 === null ? noCk : 'no ort-node figure')]));

  out.push(check('E1 (issue 9)', 'element-wise chain ≤ 4× its TypedArray.set floor, at 1 and all threads', ['convkit-wasm-1t', CK].map((s) => {
    const q = v(s, 'E1 chain ÷ copy floor');
    return part(names[s] ?? s, q === null ? null : 4, q, `${q === null ? '?' : q.toFixed(1)}× the floor`, `no ${names[s] ?? s} figure`);
  })));
  return out;
}

/** Sanity check of ort-web threading: 2T ÷ 1T speed on the forward rows (≈1 means threads did not engage). */
export function ortThreadCheck(results) {
  const rs = ['W1', 'W2', 'W3', 'W4', 'W5'].map((w) => {
    const r = row(`${w} fwd GFLOP/s`);
    const a = value(results, 'ort-web-2t', r);
    const b = value(results, 'ort-web-1t', r);
    return a && b ? a / b : null;
  }).filter((x) => x !== null);
  return rs.length ? { speedups: rs, mean: rs.reduce((s, x) => s + x, 0) / rs.length } : null;
}

/**
 * Do convkit and PyTorch compute the same thing? Every cell's first call returns a number (the
 * loss of the first step, the first output or gradient element, the chain's first value), computed
 * from the same data; the relative difference |a − b| ÷ max(|b|, 1e-6) per cell, for the first
 * convkit wasm and PyTorch columns of the run. A wrong layout or model would differ by O(1).
 */
export function crossCheck(results) {
  const a = ['convkit-wasm', 'convkit-wasm-1t'].find((s) => results[s]);
  const b = ['pytorch-2t', 'pytorch-1t'].find((s) => results[s]);
  if (!a || !b) return null;
  const diffs = {};
  for (const [key, ra] of Object.entries(results[a])) {
    const va = ra?.firstValue;
    const vb = results[b][key]?.firstValue;
    if (typeof va === 'number' && typeof vb === 'number') diffs[key] = Math.abs(va - vb) / Math.max(Math.abs(vb), 1e-6);
  }
  return Object.keys(diffs).length ? { a, b, diffs } : null;
}
