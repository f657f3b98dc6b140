/** ReduceLROnPlateau (torch.optim.lr_scheduler.ReduceLROnPlateau, torch 1.13). */
import { ValueError, fmtValue } from '../errors.js';
import { isTensor } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import type { Optimizer } from './optimizer.js';
import { checkOptimizer } from './lr_scheduler.js';
import { finite, intAtLeast, nonNeg, numArray, oneOf, readOpts, record } from './validate.js';

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  /** One floor for every group, or one per group. */
  minLr?: number | readonly number[];
  eps?: number;
}

/**
 * JSON-safe: `best` is `null` before any metric was seen (torch's ±inf "mode worse" value); other
 * non-finite metrics are stored as the strings "inf", "-inf", "nan".
 */
export interface ReduceLROnPlateauStateDict {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number | string | null;
  numBadEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
  lastLr: number[];
}

const KEYS = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'] as const;

function checkFactor(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new ValueError({ op, arg, expected: 'a number in [0, 1) (the factor must be below 1.0)', got: fmtValue(v) });
  }
  return v;
}

/**
 * `new ReduceLROnPlateau(optimizer, { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4,
 * thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 })`; call `step(metric)` each epoch.
 * After more than `patience` epochs without improvement each lr becomes max(lr·factor, minLr)
 * (unless that changes it by at most eps), then `cooldown` epochs are ignored.
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** The best metric so far (±Infinity before the first). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const op = 'ReduceLROnPlateau';
    const o = readOpts<ReduceLROnPlateauOptions>(op, options, KEYS);
    this.optimizer = checkOptimizer(op, optimizer);
    const n = optimizer.paramGroups.length;
    this.mode = oneOf(op, 'options.mode', o.mode ?? 'min', ['min', 'max'] as const);
    this.factor = checkFactor(op, 'options.factor', o.factor ?? 0.1);
    this.patience = intAtLeast(op, 'options.patience', o.patience ?? 10, 0);
    this.threshold = nonNeg(op, 'options.threshold', o.threshold ?? 1e-4);
    this.thresholdMode = oneOf(op, 'options.thresholdMode', o.thresholdMode ?? 'rel', ['rel', 'abs'] as const);
    this.cooldown = intAtLeast(op, 'options.cooldown', o.cooldown ?? 0, 0);
    const minLr = o.minLr ?? 0;
    this.minLrs = Array.isArray(minLr)
      ? numArray(op, 'options.minLr', minLr, n, (a, x) => nonNeg(op, a, x))
      : new Array<number>(n).fill(nonNeg(op, 'options.minLr', minLr));
    this.eps = nonNeg(op, 'options.eps', o.eps ?? 1e-8);
    this.best = this.modeWorse();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records this epoch's metric (a number or one-element tensor) and reduces the lrs on a plateau. */
  step(metric: number | Tensor): void {
    const op = 'ReduceLROnPlateau.step';
    let current: number;
    if (typeof metric === 'number') current = metric;
    else if (isTensor(metric) && metric.numel === 1) current = metric.item();
    else throw new ValueError({ op, arg: 'metric', expected: 'a number or a one-element tensor', got: fmtValue(metric) });
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr;
        const next = Math.max(old * this.factor, this.minLrs[i]!);
        if (old - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The groups' learning rates after the last `step` (their current ones before any). */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  stateDict(): ReduceLROnPlateauStateDict {
    const b = this.best;
    const best = b === this.modeWorse() ? null : Number.isFinite(b) ? b : Number.isNaN(b) ? 'nan' : b > 0 ? 'inf' : '-inf';
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLrs: this.minLrs.slice(),
      eps: this.eps,
      best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: this.lastLr.slice(),
    };
  }

  loadStateDict(stateDict: ReduceLROnPlateauStateDict): void {
    const op = 'ReduceLROnPlateau.loadStateDict';
    const sd = record(op, 'stateDict', stateDict);
    const n = this.optimizer.paramGroups.length;
    const mode = oneOf(op, 'stateDict.mode', sd['mode'], ['min', 'max'] as const);
    const b = sd['best'];
    const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };
    let best: number;
    if (b === null) best = mode === 'min' ? Infinity : -Infinity;
    else if (typeof b === 'string' && b in special) best = special[b]!;
    else if (typeof b === 'number') best = b;
    else throw new ValueError({ op, arg: 'stateDict.best', expected: 'a number, null, "inf", "-inf" or "nan"', got: fmtValue(b) });
    const next = {
      mode,
      factor: checkFactor(op, 'stateDict.factor', sd['factor']),
      patience: intAtLeast(op, 'stateDict.patience', sd['patience'], 0),
      threshold: nonNeg(op, 'stateDict.threshold', sd['threshold']),
      thresholdMode: oneOf(op, 'stateDict.thresholdMode', sd['thresholdMode'], ['rel', 'abs'] as const),
      cooldown: intAtLeast(op, 'stateDict.cooldown', sd['cooldown'], 0),
      minLrs: numArray(op, 'stateDict.minLrs', sd['minLrs'], n, (a, x) => nonNeg(op, a, x)),
      eps: nonNeg(op, 'stateDict.eps', sd['eps']),
      best,
      numBadEpochs: intAtLeast(op, 'stateDict.numBadEpochs', sd['numBadEpochs'], 0),
      cooldownCounter: intAtLeast(op, 'stateDict.cooldownCounter', sd['cooldownCounter'], 0),
      lastEpoch: intAtLeast(op, 'stateDict.lastEpoch', sd['lastEpoch'], 0),
      lastLr: numArray(op, 'stateDict.lastLr', sd['lastLr'], n, (a, x) => finite(op, a, x)),
    };
    Object.assign(this, next);
  }
}
