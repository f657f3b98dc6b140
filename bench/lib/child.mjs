// Child-process entry: runs one job for one system and reports over IPC.
// Job (first IPC message): { kind: 'cells', system, cells, quick, root, dist } → one
// { type: 'start', key } before and one { type: 'cell', result } after each cell, then
// { type: 'done' }; or { kind: 'memory' | 'scaling' | 'verify' | 'peak', ... } → { type: 'result', result }.
// A peer whose create() throws "skipped: why" (PyTorch without Python) has all its cells skipped.
// Errors inside a cell are reported as that cell's result; the parent enforces the timeouts.
import { measureCell } from './timing.mjs';
import { cellKey } from './workloads.mjs';

const send = (msg) => new Promise((resolve) => process.send(msg, resolve));
const errText = (e) => String(e?.message ?? e).split('\n')[0].slice(0, 200);

process.once('message', async (job) => {
  try {
    if (job.kind === 'cells') {
      const mod = await import(`./peers/${job.system.peer}.mjs`);
      const peer = await mod.create({ ...job.system.opts, root: job.root, dist: job.dist, quick: job.quick });
      await send({ type: 'info', info: peer.info ?? {} });
      for (const cell of job.cells) {
        await send({ type: 'start', key: cellKey(cell) });
        let result;
        try {
          // a peer that times its calls itself (PyTorch, in Python) measures the cell whole
          result = peer.measure ? await peer.measure(cell, job.quick, job.cellTimeoutMs) : await measureCell(peer, cell, job.quick, job.cellTimeoutMs);
        } catch (e) {
          const msg = errText(e);
          // a missing kernel/feature is a property of the peer (n/a), anything else an error
          const na = msg.startsWith('n/a') ? msg : /not registered|not supported|not implemented|unsupported/i.test(msg) ? `n/a: ${msg}` : null;
          result = { workload: cell.workload, mode: cell.mode, batch: cell.batch, text: na ?? `error: ${msg}` };
        }
        const cpu = process.cpuUsage(); // cumulative, all threads: lets the parent tell our CPU time from others'
        // plus the CPU time of processes the peer started (PyTorch's Python)
        const cpuSeconds = (cpu.user + cpu.system) / 1e6 + (peer.childCpuSeconds?.() ?? 0);
        await send({ type: 'cell', key: cellKey(cell), result: { ...result, system: job.system.id }, cpuSeconds });
      }
      await send({ type: 'done' });
    } else {
      const mod = await import(`./${job.kind}.mjs`);
      await send({ type: 'result', result: await mod.run(job) });
    }
  } catch (e) {
    await send({ type: 'fatal', error: errText(e), stack: String(e?.stack ?? '') });
  }
  process.exit(0); // some peers (ORT thread pools, tfjs) keep handles open
});
