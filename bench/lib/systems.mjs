// The columns of the table: one system = one peer module + its options. Each runs in its own
// child process (see orchestrate.mjs).

export const SYSTEMS = [
  { id: 'convkit-ref', peer: 'convkit', label: 'convkit reference', opts: { backend: 'reference' } },
  { id: 'convkit-wasm-1t', peer: 'convkit', label: 'convkit wasm 1T', opts: { backend: 'wasm', threads: 1 } },
  { id: 'convkit-wasm', peer: 'convkit', label: 'convkit wasm all threads', opts: { backend: 'wasm', threads: 'default' } },
  { id: 'tfjs-cpu', peer: 'tfjs', label: 'tfjs cpu', opts: { backend: 'cpu' } },
  { id: 'tfjs-wasm', peer: 'tfjs', label: 'tfjs wasm 1T', opts: { backend: 'wasm' } },
  { id: 'ort-web-1t', peer: 'ort', label: 'ort-web 1T', opts: { flavour: 'web', threads: 1 } },
  { id: 'ort-web-2t', peer: 'ort', label: 'ort-web 2T', opts: { flavour: 'web', threads: 2 } },
  { id: 'ort-node', peer: 'ort', label: 'ort-node 2T', opts: { flavour: 'node', threads: 2 } },
  { id: 'jax-js', peer: 'jax', label: 'jax-js wasm jit', opts: {} },
  { id: 'convnetjs', peer: 'convnetjs', label: 'convnetjs', opts: {} },
  { id: 'pytorch-1t', peer: 'pytorch', label: 'PyTorch CPU 1T', opts: { threads: 1 } },
  { id: 'pytorch-2t', peer: 'pytorch', label: 'PyTorch CPU 2T', opts: { threads: 2 } },
  // not a library: the machine's WebAssembly peak (lib/peak.mjs), the yardstick of the GFLOP/s rows
  { id: 'wasm-peak', job: 'peak', label: 'wasm limit' },
];

/** Systems omitted by --quick (each needs minutes for the full table even at reduced batches). */
export const QUICK_SKIP = new Set(['tfjs-cpu', 'convnetjs', 'jax-js', 'convkit-ref']);

/**
 * `--only a,b`: a token selects the system of that id, or every system whose id starts with
 * `token-` (`pytorch` = both PyTorch columns; `wasm-peak` or `peak` = the peak measurement).
 */
export function selectSystems(only, quick) {
  if (!only) return SYSTEMS.filter((s) => !(quick && QUICK_SKIP.has(s.id)));
  const toks = only.split(',').map((t) => t.trim()).filter(Boolean).map((t) => (t === 'peak' ? 'wasm-peak' : t));
  const sel = SYSTEMS.filter((s) => toks.some((t) => s.id === t || s.id.startsWith(`${t}-`) || (t === 'ort' && s.peer === 'ort')));
  const unknown = toks.filter((t) => !SYSTEMS.some((s) => s.id === t || s.id.startsWith(`${t}-`)) && t !== 'ort');
  if (unknown.length) throw new Error(`--only: unknown system(s) ${unknown.join(', ')}; known: ${SYSTEMS.map((s) => s.id).join(', ')}`);
  return sel;
}
