// The performance targets of the issue, checked against the numbers of this run. Each target
// reports met/missed with its margin = achieved ÷ required (≥ 1 met).
import { ROWS, value } from './rows.mjs';

const row = (label) => ROWS.find((r) => r.label === label);
const WASM_PEERS = ['tfjs-wasm', 'ort-web-1t', 'ort-web-2t', 'jax-js'];

function check(id, what, parts) {
  const known = parts.filter((p) => p.margin !== null);
  const status = known.length === 0 ? 'not measured' : known.length < parts.length ? (known.every((p) => p.margin >= 1) ? 'met where measured' : 'missed') : known.every((p) => p.margin >= 1) ? 'met' : 'missed';
  const detail = parts.map((p) => `${p.name} ${p.margin === null ? `n/m (${p.why})` : `${p.margin >= 1 ? 'met' : 'missed'} ×${p.margin.toFixed(2)}${p.info ? ` (${p.info})` : ''}`}`).join('; ');
  return { id, what, status, detail, parts };
}

export function checkTargets(results, names) {
  const v = (sys, label) => value(results, sys, row(label));
  const mt = 'convkit-wasm';
  const t1 = 'convkit-wasm-1t';
  const out = [];

  // (a) forward W1–W4: all threads ≥ 1.2 × best WebAssembly peer; 1 thread ≥ tfjs-wasm and jax-js
  const a = [];
  for (const w of ['W1', 'W2', 'W3', 'W4']) {
    const label = `${w} fwd GFLOP/s`;
    const peers = WASM_PEERS.map((p) => ({ p, g: v(p, label) })).filter((x) => x.g !== null);
    const best = peers.sort((x, y) => y.g - x.g)[0];
    const ck = v(mt, label);
    a.push({ name: `${w} all-threads`, margin: ck !== null && best ? ck / (1.2 * best.g) : null, why: ck === null ? 'no convkit figure' : 'no wasm peer', info: best ? `${ck?.toFixed(1)} vs 1.2 × ${names[best.p]} ${best.g.toFixed(1)}` : '' });
    const ck1 = v(t1, label);
    const bars = ['tfjs-wasm', 'jax-js'].map((p) => ({ p, g: v(p, label) })).filter((x) => x.g !== null).sort((x, y) => y.g - x.g);
    a.push({ name: `${w} 1T`, margin: ck1 !== null && bars.length ? ck1 / bars[0].g : null, why: ck1 === null ? 'no convkit 1T figure' : 'no tfjs-wasm / jax-js figure', info: bars.length ? `${ck1?.toFixed(1)} vs ${names[bars[0].p]} ${bars[0].g.toFixed(1)}` : '' });
  }
  out.push(check('(a)', 'fwd W1–W4: all threads ≥ 1.2× best wasm peer (tfjs-wasm, ort-web 1T/2T, jax-js); 1 thread ≥ tfjs-wasm and jax-js', a));

  // (b) fwd+bwd W1–W4 ≥ 60 GFLOP/s (convkit wasm, all threads)
  out.push(check('(b)', 'fwd+bwd W1–W4 ≥ 60 GFLOP/s (convkit wasm all threads)', ['W1', 'W2', 'W3', 'W4'].map((w) => {
    const g = v(mt, `${w} fwd+bwd GFLOP/s`);
    return { name: w, margin: g === null ? null : g / 60, why: 'no figure', info: g === null ? '' : `${g.toFixed(1)} GFLOP/s` };
  })));

  // (c) T1 ≥ 800 images/s
  const t1ips = v(mt, 'T1 train images/s (b64)');
  out.push(check('(c)', 'T1 ≥ 800 images/s (convkit wasm all threads)', [{ name: 'T1', margin: t1ips === null ? null : t1ips / 800, why: 'no figure', info: t1ips === null ? '' : `${t1ips.toFixed(0)} images/s` }]));

  // (d) T2 batch 64 ≥ ort-web 2 threads
  const ck2 = v(mt, 'T2 infer images/s (b64)');
  const ort2 = v('ort-web-2t', 'T2 infer images/s (b64)');
  out.push(check('(d)', 'T2 b64 images/s ≥ ort-web 2T', [{ name: 'T2 b64', margin: ck2 !== null && ort2 !== null ? ck2 / ort2 : null, why: ck2 === null ? 'no convkit figure' : 'no ort-web 2T figure', info: `${ck2?.toFixed(0)} vs ${ort2?.toFixed(0)} images/s` }]));

  // (e) W5 depthwise forward time ≤ 2 × ort-node's
  const w5 = row('W5 fwd GFLOP/s');
  const ckMs = results[mt]?.[w5.key]?.ms;
  const onMs = results['ort-node']?.[w5.key]?.ms;
  out.push(check('(e)', 'W5 depthwise fwd time ≤ 2× ort-node', [{ name: 'W5', margin: ckMs && onMs ? (2 * onMs) / ckMs : null, why: ckMs ? 'no ort-node figure' : 'no convkit figure', info: ckMs && onMs ? `${ckMs.toFixed(2)} ms vs ort-node ${onMs.toFixed(2)} ms` : '' }]));
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
