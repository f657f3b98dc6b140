/**
 * Counting from the ops themselves: every op a layer runs (seen through `observeOps`) brings its
 * own multiply-accumulate count, `def.macs(info)`, so the summary holds no MAC rule that could
 * drift from the kernels, and functional calls inside custom modules are counted like layers.
 * An op without a `macs` rule does no multiply-accumulates.
 *
 * For the working each op also gets a term, the product its count is (written from the tensors'
 * shapes, checked against the op's count by the tests), and the work that is not a
 * multiply-accumulate is listed apart ("other ops", never folded into MACs or FLOPs):
 * - conv / linear with a bias: one addition per output element ('bias additions');
 * - max pools: one comparison per window tap inside the input; average pools: one addition per
 *   tap and one division per output (`poolOps`, the plan's own tap count);
 * - pointwise functions (activations, exp, rsqrt, ...): one evaluation per element;
 * - softmax and log-softmax: one exp, one addition and one division per element;
 * - add / sub: one addition per element; div: one division per element.
 * Views and data movement (reshape, cat, pad, ...) count as nothing.
 */
import type { PoolPlan } from '../plans.js';
import type { OpEvent, OpInfo } from '../op.js';
import { poolOps } from '../ops/pool_plan.js';
import type { Tensor } from '../tensor.js';
import { prodText, product } from './explain.js';
import type { OtherOps } from './spec.js';

/** One executed op's contribution to a row. */
export interface OpCount {
  readonly op: string;
  readonly macs: number;
  /** Arithmetic text equal to `macs` (the product the count is), or '' when macs is 0. */
  readonly term: string;
  /** What the term's factors are, e.g. `N * Cout * out * (Cin/groups) * k`, or ''. */
  readonly note: string;
  readonly other: readonly OtherOps[];
}

const POINTWISE = new Set([
  'relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu', 'softplus', 'elu', 'silu', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'square',
  'reciprocal', 'sin', 'cos', 'log1p', 'expm1', 'floor', 'ceil', 'round', 'neg', 'clamp', 'clampTensor',
]);

const numelOf = (t: Tensor | undefined): number => (t === undefined ? 0 : product(t.shape));

/** The conv op's count as a product of its shapes: N·Cout·∏out·(Cin/g)·∏k, transposed N·Cin·∏in·(Cout/g)·∏k. */
function convTerm(e: OpEvent): { term: string; note: string } {
  const [x, w] = e.inputs as [Tensor, Tensor];
  const y = e.outputs[0]!;
  const r = w.shape.length - 2;
  const batched = x.shape.length === r + 2;
  const lead = batched && x.shape[0] !== 1 ? [x.shape[0]!] : [];
  const k = w.shape.slice(2);
  const channel = (t: Tensor): number => t.shape[batched ? 1 : 0]!;
  const spatial = (t: Tensor): readonly number[] => t.shape.slice(batched ? 2 : 1);
  if (e.name === 'convTranspose') {
    const cout = channel(y);
    const g = cout / w.shape[1]!;
    const n = lead.length ? 'N * ' : '';
    return { term: prodText([...lead, channel(x), ...spatial(x), `(${cout}/${g})`, ...k]), note: `counted from the input: ${n}Cin * in * (Cout/groups) * k` };
  }
  const cin = channel(x);
  const g = cin / w.shape[1]!;
  return { term: prodText([...lead, channel(y), ...spatial(y), `(${cin}/${g})`, ...k]), note: `${lead.length ? 'N * ' : ''}Cout * out * (Cin/groups) * k` };
}

/** The count, term and other ops of one executed op. */
export function countOp(e: OpEvent): OpCount {
  const def = e.def;
  const macs = def?.macs && e.info ? def.macs(e.info as OpInfo) : 0;
  const out = e.outputs[0];
  const n = numelOf(out);
  let term = macs === 0 ? '' : String(macs);
  let note = '';
  const other: OtherOps[] = [];
  switch (e.name) {
    case 'conv':
    case 'convTranspose':
      ({ term, note } = convTerm(e));
      if (e.inputs.length === 3) other.push({ kind: 'additions', count: n, what: 'bias additions' });
      break;
    case 'linear': {
      const x = e.inputs[0]!;
      const w = e.inputs[1]!;
      term = prodText([...x.shape.slice(0, -1), w.shape[1]!, w.shape[0]!]);
      note = 'leading dims * in * out';
      if (e.inputs.length === 3) other.push({ kind: 'additions', count: n, what: 'bias additions' });
      break;
    }
    case 'mul':
      term = prodText(out?.shape ?? []);
      note = 'one product per element';
      break;
    case 'maxPool':
    case 'adaptiveMaxPool':
      other.push({ kind: 'comparisons', count: poolOps(e.info as PoolPlan), what: 'window taps (max)' });
      break;
    case 'avgPool':
    case 'adaptiveAvgPool':
      other.push({ kind: 'additions', count: poolOps(e.info as PoolPlan), what: 'window taps (sum)' }, { kind: 'divisions', count: n, what: 'one per output (mean)' });
      break;
    case 'softmax':
    case 'logSoftmax':
      other.push({ kind: 'elementwise', count: n, what: 'exp' }, { kind: 'additions', count: n, what: 'sums' }, { kind: 'divisions', count: n, what: 'normalisation' });
      break;
    case 'add':
    case 'sub':
      other.push({ kind: 'additions', count: n, what: e.name });
      break;
    case 'div':
      other.push({ kind: 'divisions', count: n, what: 'div' });
      break;
    default:
      if (POINTWISE.has(e.name)) other.push({ kind: 'elementwise', count: n, what: e.name });
  }
  return { op: e.name, macs, term, note, other };
}

/** Adds other-op counts of the same kind and description. */
export function mergeOther(lists: readonly (readonly OtherOps[])[]): OtherOps[] {
  const out: OtherOps[] = [];
  for (const list of lists) {
    for (const o of list) {
      const i = out.findIndex((p) => p.kind === o.kind && p.what === o.what);
      if (i < 0) out.push({ ...o });
      else out[i] = { ...out[i]!, count: out[i]!.count + o.count };
    }
  }
  return out;
}

/**
 * The MACs working of a row: its ops' terms, a term repeated k times (a recurrent layer's steps)
 * written `k * (term)`. Returns the formula, the total and a note naming the ops.
 */
export function macsWorking(counts: readonly OpCount[]): { formula: string; value: number; note: string } {
  const terms: { term: string; times: number; ops: Set<string> }[] = [];
  let value = 0;
  for (const c of counts) {
    if (c.macs === 0) continue;
    value += c.macs;
    const t = terms.find((x) => x.term === c.term);
    if (t) {
      t.times++;
      t.ops.add(c.op);
    } else terms.push({ term: c.term, times: 1, ops: new Set([c.op]) });
  }
  const formula = terms.map((t) => (t.times === 1 ? t.term : t.term.includes(' ') ? `${t.times} * (${t.term})` : `${t.times} * ${t.term}`)).join(' + ');
  const used = counts.filter((c) => c.macs !== 0);
  const ops = [...new Set(used.map((c) => c.op))].map((op) => {
    const k = used.filter((c) => c.op === op).length;
    return k === 1 ? op : `${op} x${k}`;
  });
  const single = used.length === 1 ? used[0]!.note : '';
  const note = used.length === 0 ? '' : single !== '' ? single : `from the ops: ${ops.join(', ')}`;
  return { formula: formula === String(value) ? '' : formula, value, note };
}
