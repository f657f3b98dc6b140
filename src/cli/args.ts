/** A small, strict command-line flag parser: `--name value`, `--name=value`, boolean `--flag`. */
import { ValueError } from '../errors.js';

export interface FlagSpec {
  readonly type: 'string' | 'int' | 'number' | 'boolean';
  readonly help: string;
  readonly default?: string | number | boolean;
  /** Allowed values for a string flag (prefix `idx:` style values are checked by the command). */
  readonly choices?: readonly string[];
  readonly placeholder?: string;
  /** Smallest and largest allowed value of a number flag (checked with the flag's name). */
  readonly min?: number;
  readonly max?: number;
}

export type FlagValues = Record<string, string | number | boolean | undefined>;

export interface Parsed {
  flags: FlagValues;
  positional: string[];
  /** The flags written on the command line (the others hold their defaults). */
  given: Set<string>;
}

/** `--help` or `-h` anywhere in the arguments. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Parses `argv` against `spec`; unknown flags and bad values throw ValueError naming the flag. */
export function parseArgs(command: string, argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): Parsed {
  const flags: FlagValues = {};
  const positional: string[] = [];
  const given = new Set<string>();
  for (const [k, s] of Object.entries(spec)) if (s.default !== undefined) flags[k] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (!s) {
      const near = Object.keys(spec).find((k) => k.startsWith(name.slice(0, 3)));
      throw new ValueError({
        op: `convkit ${command}`,
        arg: `--${name}`,
        expected: `one of ${Object.keys(spec).map((k) => `--${k}`).join(', ')}`,
        got: a,
        message: `convkit ${command}: unknown flag --${name}${near ? ` (did you mean --${near}?)` : ''}; see convkit ${command} --help`,
      });
    }
    given.add(name);
    let raw: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
    if (s.type === 'boolean') {
      if (raw === undefined) flags[name] = true;
      else if (raw === 'true' || raw === 'false') flags[name] = raw === 'true';
      else throw bad(command, name, 'true or false', raw);
      continue;
    }
    if (raw === undefined) {
      raw = argv[++i];
      if (raw === undefined) throw bad(command, name, `a value (${s.placeholder ?? s.type})`, 'nothing');
    }
    if (s.type === 'string') {
      if (s.choices && !s.choices.some((c) => raw === c || (c.endsWith(':') && raw!.startsWith(c) && raw!.length > c.length))) {
        throw bad(command, name, `one of ${s.choices.join(', ')}`, raw);
      }
      flags[name] = raw;
    } else {
      const v = Number(raw);
      const what = s.type === 'int' ? 'an integer' : 'a number';
      const range = s.min !== undefined && s.max !== undefined ? ` from ${s.min} to ${s.max}` : s.min !== undefined ? ` ≥ ${s.min}` : s.max !== undefined ? ` ≤ ${s.max}` : '';
      if (raw.trim() === '' || !Number.isFinite(v) || (s.type === 'int' && !Number.isSafeInteger(v))) throw bad(command, name, what + range, raw);
      if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) throw bad(command, name, what + range, raw);
      flags[name] = v;
    }
  }
  return { flags, positional, given };
}

function bad(command: string, name: string, expected: string, got: string): ValueError {
  return new ValueError({
    op: `convkit ${command}`,
    arg: `--${name}`,
    expected,
    got: JSON.stringify(got),
    message: `convkit ${command}: --${name} expects ${expected}, got ${JSON.stringify(got)}`,
  });
}

/** The --help text of a command. */
export function helpText(usage: string, description: string, spec: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(spec).map(([k, s]) => {
    const left = `  --${k}${s.type === 'boolean' ? '' : ` ${s.placeholder ?? s.type.toUpperCase()}`}`;
    const def = s.default !== undefined && s.type !== 'boolean' ? ` (default ${s.default})` : '';
    return `${left.padEnd(30)}${s.help}${def}`;
  });
  return `${usage}\n\n${description}\n\nOptions:\n${rows.join('\n')}\n  -h, --help                    show this help\n`;
}
