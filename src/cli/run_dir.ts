/**
 * The output directory of `convkit train`: checked before anything is created in it, locked for
 * the run's lifetime (a second run into the same directory is refused), cleaned of temporary
 * files that a killed save left behind, and its metrics.jsonl rewritten from the checkpoint on
 * resume (so a row is never repeated or lost).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeSync, accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { ValueError } from '../errors.js';
import { writeFileAtomic } from '../io/files.js';

const OP = 'convkit train';

function outError(dir: string, expected: string, why: string): ValueError {
  return new ValueError({ op: OP, arg: '--out', expected, got: JSON.stringify(dir), message: `${OP}: --out ${JSON.stringify(dir)}: ${why}` });
}

/**
 * Makes sure `dir` is (or can become) a writable directory, creating missing components one at a
 * time: Node's recursive mkdir spins forever on some virtual filesystems (/proc), and its errors
 * would surface as stack traces.
 */
export function prepareOutDir(dir: string): string {
  if (dir.trim() === '') throw outError(dir, 'a directory path', 'expects a directory path, got an empty string');
  const abs = resolve(dir);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    let st;
    try {
      st = statSync(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw outError(dir, 'a directory that can be created', `cannot look at ${at} (${code})`);
      missing.unshift(at);
      const up = dirname(at);
      if (up === at) throw outError(dir, 'a directory that can be created', 'no existing parent directory');
      at = up;
      continue;
    }
    if (!st.isDirectory()) {
      throw outError(dir, 'a directory', at === abs ? 'is a file, not a directory' : `${at} is a file, so the directory cannot be created inside it`);
    }
    try {
      accessSync(at, constants.W_OK | constants.X_OK);
    } catch {
      throw outError(dir, 'a writable directory', `${at} is not writable`);
    }
    break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw outError(dir, 'a directory that can be created', `cannot create ${d} (${code ?? (e as Error).message})`);
    }
  }
  // a writable-looking directory can still refuse files (read-only or virtual filesystems)
  const probe = join(abs, `.convkit-probe.${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (e) {
    throw outError(dir, 'a directory where files can be written', `cannot write files there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return abs;
}

/** Is `pid` a live convkit process (a stale lock's pid may have been reused by something else)? */
function liveConvkit(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('convkit');
  } catch {
    return true; // no /proc (macOS, Windows): trust kill(pid, 0)
  }
}

/**
 * Takes `dir/.lock` for this process, refusing when another live `convkit train` holds it; a lock
 * left by a killed run (dead pid) is taken over. Returns the release function (also run at exit).
 */
export function lockOutDir(dir: string): () => void {
  const path = join(dir, '.lock');
  const me = `${process.pid}\n${hostname()}\n${new Date().toISOString()}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, me);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const [pidText = '', host = '', since = ''] = readFileSync(path, 'utf8').split('\n');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && host === hostname() && liveConvkit(pid)) {
        throw new ValueError({
          op: OP,
          arg: '--out',
          expected: 'a directory no other run is writing to',
          got: dir,
          message: `${OP}: ${dir} is in use by another convkit train (pid ${pid}, started ${since}); wait for it to finish or choose another --out`,
        });
      }
      unlinkSync(path); // stale: its process is gone
    }
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    try {
      if (readFileSync(path, 'utf8') === me) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return release;
}

/**
 * Temporary files of `writeFileAtomic` (`.<name>.<pid>.<hex>.tmp`) for this directory's files that
 * a killed save left behind; removed (the caller holds the lock, so no save is in progress).
 */
export function removeStaleTemps(dir: string): string[] {
  const ours = /^\.(checkpoint\.safetensors|interrupted\.safetensors|model\.safetensors|metrics\.jsonl)\.\d+\.[0-9a-f]+\.tmp$/;
  const stale = readdirSync(dir).filter((f) => ours.test(f));
  for (const f of stale) unlinkSync(join(dir, f));
  return stale;
}

/** Rewrites `path` (metrics.jsonl) atomically with exactly these rows. */
export function writeMetrics(path: string, rows: readonly Record<string, unknown>[]): void {
  writeFileAtomic(OP, path, [new TextEncoder().encode(rows.map((r) => JSON.stringify(r) + '\n').join(''))]);
}

/** The rows of a metrics.jsonl (an unreadable line ends the list: it was being written when killed). */
export function readMetrics(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const rows: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      break;
    }
  }
  return rows;
}

/** Removes `path` if it exists. */
export function removeIfExists(path: string): void {
  if (existsSync(path)) unlinkSync(path);
}
