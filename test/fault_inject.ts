/**
 * Preloaded with `node --import` into `convkit` processes spawned by the resume tests: kills the
 * process at a chosen point, deterministically, without any hook in the library. Rules come from
 * CONVKIT_TEST_FAULTS, comma-separated:
 *   sigint@batch:N            SIGINT to itself when the N-th training batch of this process is drawn
 *   sigkill@batch:N           SIGKILL at the same point
 *   sigkill@save:FILE:N:before|after   SIGKILL at the N-th atomic save of FILE (e.g.
 *                             checkpoint.safetensors), just before or just after its temporary file
 *                             is renamed over FILE
 * The loader is patched through its class (the same module instance the CLI imports) and the save
 * through `fs.renameSync` (propagated to ES module imports by `syncBuiltinESMExports`).
 */
import fs from 'node:fs';
import { basename } from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { DataLoader } from '../src/data/loader.js';

const rules = (process.env['CONVKIT_TEST_FAULTS'] ?? '').split(',').filter((r) => r !== '');

const die = (signal: 'SIGINT' | 'SIGKILL'): void => {
  process.kill(process.pid, signal);
};

let drawn = 0;
const iterFrom = DataLoader.prototype.iterFrom;
DataLoader.prototype.iterFrom = function* (this: DataLoader, start: number) {
  for (const batch of iterFrom.call(this, start)) {
    if (this.shuffle) {
      drawn++;
      for (const r of rules) {
        const m = /^(sigint|sigkill)@batch:(\d+)$/.exec(r);
        if (m && Number(m[2]) === drawn) die(m[1] === 'sigint' ? 'SIGINT' : 'SIGKILL');
      }
    }
    yield batch;
  }
};

const saves = new Map<string, number>();
const rename = fs.renameSync;
fs.renameSync = (from: fs.PathLike, to: fs.PathLike): void => {
  const file = basename(String(to));
  const n = (saves.get(file) ?? 0) + 1;
  saves.set(file, n);
  const when = (w: string): boolean => rules.some((r) => r === `sigkill@save:${file}:${n}:${w}`);
  if (when('before')) die('SIGKILL');
  rename(from, to);
  if (when('after')) die('SIGKILL');
};
syncBuiltinESMExports();
