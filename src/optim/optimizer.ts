/**
 * The `Optimizer` base class (torch.optim.Optimizer): parameter groups, per-parameter state,
 * `zeroGrad`, and state dicts keyed by parameter index so a checkpoint can resume training.
 *
 * Updates are fused in-place ops (src/ops/optim_ops.ts) run under `noGrad` (as torch's
 * `@torch.no_grad()` step), so nothing is recorded on the autograd tape, parameters keep
 * `requiresGrad`, and each update runs where the parameter lives.
 */
import { castData } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { Tensor, isTensor, valuesOf } from '../tensor.js';
import { noGrad } from '../autograd/tape.js';
import { sameShape } from '../shape.js';
import { reshape } from '../ops/movement.js';
import { zero_ } from '../ops/inplace.js';
import { finite, nonNeg, record } from './validate.js';

/** Hyper-parameters every group has. `initialLr` is added by learning-rate schedulers (torch's `initial_lr`). */
export interface BaseHyper {
  lr: number;
  initialLr?: number;
}

/** A parameter group: its parameters plus its hyper-parameters. */
export type ParamGroup<H extends BaseHyper> = H & { params: Tensor[] };

/** What a constructor accepts for one group: parameters plus any hyper-parameters overriding the defaults. */
export type ParamGroupSpec<H extends BaseHyper> = { params: Iterable<Tensor> } & Partial<H>;

/** Parameters to optimise: an iterable of tensors, or an iterable of parameter groups. */
export type Params<H extends BaseHyper> = Iterable<Tensor> | Iterable<ParamGroupSpec<H>>;

/** Per-parameter state (e.g. `step`, `expAvg`, `momentumBuffer`). */
export type ParamState = Record<string, Tensor>;

/** JSON-serialisable hyper-parameters of a group in a state dict, with `params` as indices. */
export type GroupStateDict = Record<string, unknown> & { params: number[] };

/**
 * An optimiser's state dict, like torch's: `state` maps a parameter's index (counting through the
 * groups in order) to copies of its state tensors; `paramGroups` holds the hyper-parameters.
 */
export interface OptimizerStateDict {
  state: Record<string, ParamState>;
  paramGroups: GroupStateDict[];
}

/** Validates a merged hyper-parameter object; `arg` prefixes argument names in error messages. */
export type HyperCheck<H extends BaseHyper> = (h: Record<string, unknown>, arg: string) => H;

function cloneTensor(t: Tensor, dtype = t.dtype): Tensor {
  return new Tensor(castData(valuesOf(t), dtype), t.shape.slice());
}

function copyValue(v: unknown): unknown {
  return Array.isArray(v) ? v.map(copyValue) : v;
}

export abstract class Optimizer<H extends BaseHyper = BaseHyper> {
  /** The optimiser's name, used in error messages (`SGD`, `Adam`, `AdamW`). */
  readonly name: string;
  readonly defaults: H;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, created lazily on a parameter's first step with a gradient. */
  state: Map<Tensor, ParamState> = new Map();
  private readonly checkHyper: HyperCheck<H>;

  protected constructor(name: string, params: Params<H>, defaults: H, check: HyperCheck<H>) {
    this.name = name;
    this.checkHyper = check;
    this.defaults = defaults;
    if (params === null || typeof params !== 'object' || isTensor(params) || typeof (params as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new ValueError({ op: name, arg: 'params', expected: 'an iterable of tensors or of parameter groups', got: fmtValue(params) });
    }
    const items = [...(params as Iterable<unknown>)];
    if (items.length === 0) {
      throw new ValueError({ op: name, arg: 'params', expected: 'a non-empty list of parameters', got: 'an empty list', message: `${name}: got an empty parameter list` });
    }
    if (items.every(isTensor)) this.addParamGroup({ params: items as Tensor[] } as unknown as ParamGroupSpec<H>);
    else if (items.some(isTensor)) {
      throw new ValueError({ op: name, arg: 'params', expected: 'either all tensors or all parameter groups', got: 'a mixture of tensors and other values' });
    } else for (const g of items) this.addParamGroup(g as ParamGroupSpec<H>);
  }

  /** Adds a group (torch's `add_param_group`); hyper-parameters it omits take the defaults. */
  addParamGroup(group: ParamGroupSpec<H>): void {
    const i = this.paramGroups.length;
    const where = `paramGroups[${i}]`;
    const g = record(this.name, where, group);
    const ps = g['params'];
    if (isTensor(ps) || ps === null || typeof ps !== 'object' || typeof (ps as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new ValueError({ op: this.name, arg: `${where}.params`, expected: 'an iterable of tensors', got: fmtValue(ps) });
    }
    const params = [...(ps as Iterable<unknown>)];
    const seen = new Set<Tensor>();
    for (const g0 of this.paramGroups) for (const p of g0.params) seen.add(p);
    params.forEach((p, j) => {
      const arg = `${where}.params[${j}]`;
      if (!isTensor(p)) throw new ValueError({ op: this.name, arg, expected: 'a Tensor', got: fmtValue(p) });
      if (p.dtype === 'int32') throw new DTypeError({ op: this.name, arg, expected: 'a floating-point tensor (float32 or float64)', got: 'int32' });
      if (!p.isLeaf) throw new ValueError({ op: this.name, arg, expected: 'a leaf tensor', got: 'the output of an operation', message: `${this.name}: can't optimize a non-leaf tensor (${arg})` });
      if (seen.has(p)) {
        throw new ValueError({ op: this.name, arg, expected: 'a parameter not already being optimised', got: 'a parameter that appears twice', message: `${this.name}: some parameters appear in more than one parameter group (${arg})` });
      }
      seen.add(p);
    });
    const merged: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) merged[k] = copyValue(v);
    for (const [k, v] of Object.entries(g)) if (k !== 'params') merged[k] = copyValue(v);
    const hyper = this.checkHyper(merged, where);
    this.paramGroups.push({ ...hyper, params: params as Tensor[] });
  }

  /** Clears gradients: to null (default, as torch 2.x), or zero-filled in place with `setToNone: false`. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else {
          if (!p.grad.isLeaf) p.grad = p.grad.detach();
          else if (p.grad.requiresGrad) p.grad.requiresGrad_(false);
          zero_(p.grad);
        }
      }
    }
  }

  /**
   * Performs one update of every parameter that has a gradient. With a `closure` (which should
   * recompute the loss and its gradients) it is called first and its result returned.
   */
  step<L>(closure?: () => L): L | undefined {
    const loss = closure === undefined ? undefined : closure();
    noGrad(() => this.updateAll());
    return loss;
  }

  private updateAll(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (grad.numel !== p.numel) {
          throw new ShapeError({ op: `${this.name}.step`, arg: 'grad', expected: `a gradient of the parameter's shape ${fmtShape(p.shape)}`, got: fmtShape(grad.shape) });
        }
        let st = this.state.get(p);
        if (st === undefined) {
          st = {};
          this.state.set(p, st);
        }
        this.update(g, p, sameShape(grad.shape, p.shape) ? grad : reshape(grad, p.shape), st);
      }
    }
  }

  /** Updates one parameter in place from its gradient and state (state is created lazily here). */
  protected abstract update(group: ParamGroup<H>, p: Tensor, grad: Tensor, state: ParamState): void;

  /** Hyper-parameters and copies of the per-parameter state, keyed by parameter index. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups: GroupStateDict[] = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[k] = copyValue(v);
      const ids = g.params.map((p) => {
        const id = index.size;
        index.set(p, id);
        return id;
      });
      return { ...packed, params: ids };
    });
    const state: Record<string, ParamState> = {};
    for (const [p, st] of this.state) {
      const id = index.get(p);
      if (id === undefined) continue;
      const out: ParamState = {};
      for (const [k, t] of Object.entries(st)) out[k] = cloneTensor(t);
      state[String(id)] = out;
    }
    return { state, paramGroups };
  }

  /**
   * Restores hyper-parameters and state saved by `stateDict()` (copied; state tensors other than
   * `step` are cast to their parameter's dtype). The groups must have the same sizes.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    const sd = record(op, 'stateDict', stateDict);
    const saved = sd['paramGroups'];
    if (!Array.isArray(saved) || saved.length !== this.paramGroups.length) {
      throw new ValueError({ op, arg: 'stateDict.paramGroups', expected: `an array of ${this.paramGroups.length} parameter groups`, got: Array.isArray(saved) ? `${saved.length} groups` : fmtValue(saved) });
    }
    const all: Tensor[] = [];
    const hypers: H[] = [];
    saved.forEach((sg0, i) => {
      const where = `stateDict.paramGroups[${i}]`;
      const sg = record(op, where, sg0);
      const mine = this.paramGroups[i]!;
      const ids = sg['params'];
      if (!Array.isArray(ids) || ids.length !== mine.params.length) {
        throw new ValueError({ op, arg: `${where}.params`, expected: `${mine.params.length} parameter indices (the size of the optimiser's group)`, got: Array.isArray(ids) ? `${ids.length}` : fmtValue(ids) });
      }
      const merged: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(this.defaults)) merged[k] = copyValue(v);
      for (const [k, v] of Object.entries(sg)) if (k !== 'params') merged[k] = copyValue(v);
      hypers.push(this.checkHyper(merged, where));
      all.push(...mine.params);
    });
    // saved indices map, in order, onto this optimiser's parameters (as torch's id_map)
    const byId = new Map<string, Tensor>();
    saved.forEach((sg, i) => {
      const ids = (sg as GroupStateDict).params;
      const offset = this.paramGroups.slice(0, i).reduce((n, g) => n + g.params.length, 0);
      ids.forEach((id, j) => byId.set(String(id), all[offset + j]!));
    });
    const savedState = record(op, 'stateDict.state', sd['state']);
    const state = new Map<Tensor, ParamState>();
    for (const [k, v] of Object.entries(savedState)) {
      const p = byId.get(k);
      if (p === undefined) {
        throw new ValueError({ op, arg: `stateDict.state[${k}]`, expected: `the index of a parameter (${[...byId.keys()].join(', ')})`, got: fmtValue(k) });
      }
      const entry = record(op, `stateDict.state[${k}]`, v);
      const out: ParamState = {};
      for (const [name, t] of Object.entries(entry)) {
        const arg = `stateDict.state[${k}].${name}`;
        if (!isTensor(t)) throw new ValueError({ op, arg, expected: 'a Tensor', got: fmtValue(t) });
        if (name === 'step') {
          if (t.numel !== 1) throw new ShapeError({ op, arg, expected: 'a one-element tensor', got: fmtShape(t.shape) });
          out[name] = cloneTensor(t);
        } else {
          if (t.shape.length !== p.shape.length || t.shape.some((d, j) => d !== p.shape[j])) {
            throw new ShapeError({ op, arg, expected: `the parameter's shape ${fmtShape(p.shape)}`, got: fmtShape(t.shape) });
          }
          out[name] = cloneTensor(t, p.dtype);
        }
      }
      state.set(p, out);
    }
    this.paramGroups.forEach((g, i) => {
      for (const k of Object.keys(g)) if (k !== 'params') delete (g as unknown as Record<string, unknown>)[k];
      Object.assign(g, hypers[i]);
    });
    this.state = state;
  }
}

/** Checks `lr` and optional `initialLr` of a merged group. */
export function checkBaseHyper(name: string, h: Record<string, unknown>, arg: string): BaseHyper {
  const lr = nonNeg(name, `${arg}.lr`, h['lr']);
  if (h['initialLr'] === undefined) return { lr };
  return { lr, initialLr: finite(name, `${arg}.initialLr`, h['initialLr']) };
}

/** Rejects hyper-parameter keys the optimiser does not know. */
export function checkKeys(name: string, h: Record<string, unknown>, arg: string, allowed: readonly string[]): void {
  for (const k of Object.keys(h)) {
    if (k !== 'initialLr' && !allowed.includes(k)) {
      throw new ValueError({ op: name, arg: `${arg}.${k}`, expected: `one of the hyper-parameters ${allowed.join(', ')}`, got: `unknown hyper-parameter "${k}"`, message: `${name}: unknown hyper-parameter "${k}" in ${arg} (allowed: ${allowed.join(', ')})` });
    }
  }
}
