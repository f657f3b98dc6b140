// PyTorch CPU (Debian's python3-torch 1.13, run by /usr/bin/python3 — a pyenv python3 earlier on
// PATH does not see Debian's packages; CONVKIT_BENCH_PYTHON overrides): one Python process per
// system, started by this system's child process, running bench/torch_bench.py at 1 or 2 threads
// (torch.set_num_threads, set_num_interop_threads(1); OMP/MKL thread counts set to match). Each
// cell's data (the same deterministic arrays every system uses) is streamed to it on stdin; it
// times the cell in Python with the harness's protocol (so no IPC inside the timed calls) and
// returns the call times, from which `finish` makes the same result as any other cell.
// Without Python or torch, create() throws "skipped: why" and the column says so in one line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CONVS, CHAIN, RESBLOCK, nominalBatch } from '../workloads.mjs';
import { chainData, convData, mnistBatch, mnistParams, resData } from '../rand.mjs';
import { finish, PROTOCOL } from '../timing.mjs';

const SCRIPT = fileURLToPath(new URL('../../torch_bench.py', import.meta.url));

/** The arrays (name → typed array + shape) and the spec of a cell, as torch_bench.py reads them. */
function cellData(cell, batch) {
  if (cell.workload in CONVS) {
    const c = CONVS[cell.workload];
    const d = convData(cell.workload, batch);
    return { spec: c, arrays: { x: [d.x, [batch, c.cin, c.h, c.w]], w: [d.w, [c.cout, c.cin / c.groups, c.k, c.k]] } };
  }
  if (cell.workload === 'R1') {
    const { c, h, w, k } = RESBLOCK;
    const d = resData(batch);
    return { spec: RESBLOCK, arrays: { x: [d.x, [batch, c, h, w]], target: [d.target, [batch, c, h, w]], w1: [d.w1, [c, c, k, k]], w2: [d.w2, [c, c, k, k]] } };
  }
  if (cell.workload === 'E1') {
    const d = chainData();
    return { spec: CHAIN, arrays: { x: [d.x, CHAIN.shape], y: [d.y, CHAIN.shape], z: [d.z, CHAIN.shape], b: [d.b, CHAIN.bShape] } };
  }
  const p = mnistParams();
  const { x, labels } = mnistBatch(batch);
  const arrays = { x: [x, [batch, 1, 28, 28]], labels: [labels, [batch]] };
  for (const [k, v] of Object.entries(p)) arrays[k] = [v, [v.length]];
  return { spec: {}, arrays };
}

export async function create({ threads }) {
  const python = process.env.CONVKIT_BENCH_PYTHON || '/usr/bin/python3';
  if (!existsSync(python)) throw new Error(`skipped: ${python} not found (the PyTorch column needs Debian's python3 with python3-torch)`);
  const n = String(threads);
  const proc = spawn(python, [SCRIPT, n], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n },
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((res) => proc.once('exit', (code, signal) => res({ code, signal })));
  proc.once('error', () => {}); // a spawn failure shows as the process exiting
  /** The next JSON line from Python, or an error saying how it died. */
  const next = async () => {
    const r = await Promise.race([lines.next(), exited.then((e) => ({ exit: e }))]);
    if (r.exit || r.done) {
      const e = r.exit ?? (await exited);
      throw new Error(`python exited (${e.signal ?? e.code}): ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
    }
    return JSON.parse(r.value);
  };
  const hello = await next();
  if (hello.type === 'fatal') throw new Error(hello.error);
  let cpuSeconds = 0;

  return {
    info: { ...hello.info, pythonPath: python },
    childCpuSeconds: () => cpuSeconds,
    async measure(cell, quick) {
      const batch = nominalBatch(cell);
      const { spec, arrays } = cellData(cell, batch);
      const meta = Object.entries(arrays).map(([name, [a, shape]]) => ({ name, dtype: a instanceof Int32Array ? 'int32' : 'float32', shape, bytes: a.byteLength }));
      const protocol = quick ? PROTOCOL.quick : PROTOCOL.full;
      proc.stdin.write(`${JSON.stringify({ cell, batch, spec, protocol, profileReps: quick ? 3 : 5, arrays: meta })}\n`);
      for (const [a] of Object.values(arrays)) proc.stdin.write(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      const r = await next();
      cpuSeconds = r.cpuSeconds ?? cpuSeconds;
      if (r.error) throw new Error(r.error);
      return finish(cell, batch, batch, r.times, r.warm, [], { floorTimes: r.floorTimes, profiles: r.profiles, firstValue: r.firstValue });
    },
  };
}
