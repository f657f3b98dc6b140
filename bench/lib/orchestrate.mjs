// Parent side: one child process per system (threads, memory, JIT state and wasm instances do
// not leak between systems), run strictly one after another (a 2-core machine: two measurements
// at once would steal each other's cores). A cell that exceeds its timeout gets its child killed
// and is reported as "timeout"; a fresh child then continues with the remaining cells.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cellKey } from './workloads.mjs';
import { machineBusySeconds, otherCores } from './contention.mjs';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

/** Node flags for children: relaxed SIMD is opt-in in Node 20 (harmless for peers that do not use it). */
const EXEC_ARGV = ['--experimental-wasm-relaxed-simd', '--max-old-space-size=4096'];

/**
 * Runs one job in a fresh child; `onMessage(msg, child)` sees every message; `execArgv` adds Node
 * flags (the memory job's --expose-gc). Resolves with exit info.
 */
export function runChild(job, { onMessage, timeoutMs, execArgv = [] }) {
  return new Promise((resolve) => {
    const child = fork(CHILD, [], { execArgv: [...EXEC_ARGV, ...execArgv], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout.resume(); // peers' console chatter (e.g. tfjs banners) is dropped
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; if (stderr.length > 20000) stderr = stderr.slice(-20000); });
    let timer = null;
    const arm = (ms) => { clearTimeout(timer); timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, ms); };
    let timedOut = false;
    arm(timeoutMs);
    child.on('message', (msg) => { arm(timeoutMs); onMessage?.(msg, child); });
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, timedOut, stderr }); });
    child.send(job);
  });
}

/** Measures `cells` for `system`; returns { results: {key: cellResult}, info }. */
export async function runSystemCells(system, cells, { root, dist, quick, cellTimeoutMs, log }) {
  const results = {};
  let info = {};
  let todo = [...cells];
  const busy0 = machineBusySeconds();
  const wall0 = performance.now();
  let ownSeconds = 0;
  while (todo.length) {
    let current = null;
    let childSeconds = 0;
    const exit = await runChild({ kind: 'cells', system, cells: todo, quick, root, dist, cellTimeoutMs }, {
      timeoutMs: cellTimeoutMs,
      onMessage: (msg) => {
        if (msg.type === 'info') info = msg.info;
        else if (msg.type === 'start') current = msg.key;
        else if (msg.type === 'cell') {
          results[msg.key] = msg.result;
          childSeconds = msg.cpuSeconds ?? childSeconds;
          current = null;
          log?.(system, msg.result);
        } else if (msg.type === 'fatal') {
          // "skipped: why" (a peer that cannot run here, e.g. no Python/torch): one line in the report
          const skipped = msg.error.startsWith('skipped');
          if (skipped) info = { ...info, skipped: msg.error };
          for (const c of todo) if (!results[cellKey(c)]) results[cellKey(c)] = { workload: c.workload, mode: c.mode, batch: c.batch, system: system.id, text: skipped ? 'skipped' : `error: ${msg.error}` };
          log?.(system, { text: skipped ? msg.error : `fatal: ${msg.error}` });
        }
      },
    });
    ownSeconds += childSeconds; // a killed child's last cell is not counted: errs towards "busy"
    if (current && !results[current]) {
      const c = todo.find((x) => cellKey(x) === current);
      const why = exit.timedOut ? `timeout (> ${Math.round(cellTimeoutMs / 1000)} s)` : `error: child exited (${exit.signal ?? exit.code}) ${exit.stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
      results[current] = { workload: c.workload, mode: c.mode, batch: c.batch, system: system.id, text: why };
      log?.(system, results[current]);
    }
    const before = todo.length;
    todo = todo.filter((c) => !results[cellKey(c)]);
    if (todo.length === before) {
      // the child died before starting any cell: give up on this system
      const why = exit.timedOut ? 'timeout during setup' : `error: child exited (${exit.signal ?? exit.code}): ${exit.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      for (const c of todo) results[cellKey(c)] = { workload: c.workload, mode: c.mode, batch: c.batch, system: system.id, text: why };
      log?.(system, { text: why });
      break;
    }
  }
  const contention = otherCores(busy0, machineBusySeconds(), ownSeconds, (performance.now() - wall0) / 1000);
  return { results, info: { ...info, otherCores: contention } };
}

/** Runs a single-result job (memory, scaling, verify, peak) in its own child. */
export async function runJob(job, timeoutMs, execArgv = []) {
  let result = null;
  let error = null;
  const exit = await runChild(job, {
    timeoutMs,
    execArgv,
    onMessage: (msg) => {
      if (msg.type === 'result') result = msg.result;
      else if (msg.type === 'fatal') error = msg.error;
    },
  });
  if (!result && !error) error = exit.timedOut ? `timeout (> ${Math.round(timeoutMs / 1000)} s)` : `child exited (${exit.signal ?? exit.code}): ${exit.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return result ?? { error };
}
