/**
 * Element-wise programs: one thread per output element computing an expression of up to four
 * inputs, each read through broadcast strides. Dimensions are coalesced first (the reference
 * backend's `coalesce`), so most calls run at rank 1 or 2; the rank is part of the program, the
 * sizes and strides are parameters, so one compiled program serves every shape of that rank.
 */
import type { DType } from '../../dtype.js';
import { coalesce } from '../reference/elementwise_walk.js';
import { gpu } from './device.js';
import type { GpuBuf } from './runtime.js';
import type { Elem, Program, Scalar } from './program.js';
import { cachedProgram, program } from './program.js';
import { groupsFor } from './kernel.js';

/** WGSL element type of a dtype the GPU holds. */
export const elemOf = (d: DType): Elem => (d === 'int32' ? 'i32' : 'f32');

/** Input names in expressions. */
const NAMES = ['a', 'b', 'c', 'd'];

export interface MapSpec {
  /** Names the program (and keys the cache, with the types and rank). */
  readonly name: string;
  readonly ins: readonly Elem[];
  readonly out: Elem;
  /** Extra parameters (scalars the expression reads as P.<name>). */
  readonly extra?: readonly (readonly [string, Scalar])[];
  /** The output value as a WGSL expression of a, b, c, d (the inputs' values) and P. */
  readonly expr: string;
  /** WGSL functions the expression calls. */
  readonly helpers?: string;
}

/**
 * `alias`: the input that is the output buffer itself (in-place ops such as add_), or -1. It is
 * read through the output's read_write binding: one buffer cannot be bound twice with a writable
 * usage. Each thread reads its own element before writing it, so this is safe.
 */
function mapProgram(s: MapSpec, rank: number, alias: number): Program {
  const key = `map ${s.name}|${s.ins.join(',')}|${s.out}|${rank}|${alias}|${s.expr}`;
  return cachedProgram(key, () => makeMapProgram(s, rank, alias));
}

function makeMapProgram(s: MapSpec, rank: number, alias: number): Program {
  const k = s.ins.length;
  const params: (readonly [string, Scalar])[] = [['n', 'u32']];
  for (let d = 0; d < rank; d++) {
    params.push([`s${d}`, 'u32']);
    for (let j = 0; j < k; j++) params.push([`${NAMES[j]}${d}`, 'u32']);
  }
  params.push(...(s.extra ?? []));
  // innermost dimension first: peel coordinates off the linear output index
  const walk: string[] = [];
  for (let j = 0; j < k; j++) walk.push(`  var i${NAMES[j]} = ${rank === 0 ? 'i' : '0u'};`);
  if (rank > 0) walk.push('  var rem = i;');
  for (let d = rank - 1; d >= 0; d--) {
    walk.push(`  { let q = rem % P.s${d}; rem = rem / P.s${d};${NAMES.slice(0, k).map((n) => ` i${n} = i${n} + q * P.${n}${d};`).join('')} }`);
  }
  return program({
    name: s.name,
    buffers: [{ name: 'out', type: s.out, write: true }, ...s.ins.flatMap((t, j) => (j === alias ? [] : [{ name: `in_${NAMES[j]}`, type: t }]))],
    params,
    workgroupSize: [256],
    helpers: s.helpers ?? '',
    body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
${walk.join('\n')}
${NAMES.slice(0, k).map((n, j) => `  let ${n} = ${j === alias ? 'out' : `in_${n}`}[i${n}];`).join('\n')}
  out[i] = ${s.expr};`,
  });
}

/**
 * Records `out = expr(ins)` over `outShape`. `strides`: per input, its element strides over the
 * output's index space (0 where broadcast); null when every input has the output's shape.
 */
export function runMap(s: MapSpec, outShape: readonly number[], strides: readonly (readonly number[])[] | null, out: GpuBuf, ins: readonly GpuBuf[], extra: readonly number[] = []): void {
  const n = outShape.reduce((p, d) => p * d, 1);
  if (n === 0) return;
  const values: number[] = [n];
  let rank = 0;
  if (strides !== null) {
    const c = coalesce(outShape, strides);
    // a single run read contiguously by every input is the flat case
    const flat = c.shape.length === 1 && c.strides.every((st) => st[0] === 1);
    if (!flat) {
      rank = c.shape.length;
      for (let d = 0; d < rank; d++) {
        values.push(c.shape[d]!);
        for (const st of c.strides) values.push(st[d]!);
      }
    }
  }
  values.push(...extra);
  const alias = ins.findIndex((b) => b.buffer === out.buffer);
  const bound = ins.filter((_, j) => j !== alias).map((b) => b.buffer);
  gpu().dispatch(mapProgram(s, rank, alias), [out.buffer, ...bound], values, groupsFor(n));
}
