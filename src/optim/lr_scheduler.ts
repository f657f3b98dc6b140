/**
 * Epoch-based learning-rate schedulers (torch.optim.lr_scheduler, torch 1.13): StepLR and
 * CosineAnnealingLR in torch's chainable (recursive) form, so the values match torch's float for float.
 */
import { ValueError, fmtValue } from '../errors.js';
import { Optimizer } from './optimizer.js';
import { finite, intAtLeast, nonNeg, numArray, readOpts, record } from './validate.js';

/** The fields every epoch scheduler saves. */
export interface LRSchedulerStateDict {
  baseLrs: number[];
  lastEpoch: number;
  stepCount: number;
  lastLr: number[];
}

export function checkOptimizer(op: string, optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new ValueError({ op, arg: 'optimizer', expected: 'an Optimizer', got: fmtValue(optimizer) });
  return optimizer;
}

/** The base of the epoch schedulers (torch's `_LRScheduler`). Construction performs the initial step. */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  /** Each group's `initialLr` when the scheduler was created. */
  baseLrs: number[];
  /** The epoch index of the last `step()` (0 after construction). */
  lastEpoch = -1;
  protected stepCount = 0;
  protected lastLr: number[] = [];
  protected readonly name: string;

  protected constructor(name: string, optimizer: Optimizer) {
    this.name = name;
    this.optimizer = checkOptimizer(name, optimizer);
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** torch's `_initial_step`: subclasses call it once their fields are set. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The learning rates for `lastEpoch` (already advanced), computed from the groups' current ones. */
  protected abstract computeLr(): number[];

  /** Advances one epoch and writes the new learning rates into the optimiser's groups. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const values = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i]!;
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates set by the last `step()`, one per group. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  protected baseState(): LRSchedulerStateDict {
    return { baseLrs: this.baseLrs.slice(), lastEpoch: this.lastEpoch, stepCount: this.stepCount, lastLr: this.lastLr.slice() };
  }

  protected loadBase(sd: Record<string, unknown>): void {
    const op = `${this.name}.loadStateDict`;
    const n = this.optimizer.paramGroups.length;
    const baseLrs = numArray(op, 'stateDict.baseLrs', sd['baseLrs'], n, (a, x) => finite(op, a, x));
    const lastLr = numArray(op, 'stateDict.lastLr', sd['lastLr'], n, (a, x) => finite(op, a, x));
    const lastEpoch = intAtLeast(op, 'stateDict.lastEpoch', sd['lastEpoch'], -1);
    const stepCount = intAtLeast(op, 'stateDict.stepCount', sd['stepCount'], 0);
    Object.assign(this, { baseLrs, lastLr, lastEpoch, stepCount });
  }
}

export interface StepLRStateDict extends LRSchedulerStateDict {
  stepSize: number;
  gamma: number;
}

/** `new StepLR(optimizer, stepSize, { gamma = 0.1 })`: multiplies each lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, stepSize: number, options: { gamma?: number } = {}) {
    const op = 'StepLR';
    const o = readOpts<{ gamma: number }>(op, options, ['gamma']);
    const s = intAtLeast(op, 'stepSize', stepSize, 1);
    const gamma = nonNeg(op, 'options.gamma', o.gamma ?? 0.1);
    super(op, optimizer);
    this.stepSize = s;
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  stateDict(): StepLRStateDict {
    return { ...this.baseState(), stepSize: this.stepSize, gamma: this.gamma };
  }

  loadStateDict(stateDict: StepLRStateDict): void {
    const op = 'StepLR.loadStateDict';
    const sd = record(op, 'stateDict', stateDict);
    const stepSize = intAtLeast(op, 'stateDict.stepSize', sd['stepSize'], 1);
    const gamma = nonNeg(op, 'stateDict.gamma', sd['gamma']);
    this.loadBase(sd);
    this.stepSize = stepSize;
    this.gamma = gamma;
  }
}

export interface CosineAnnealingLRStateDict extends LRSchedulerStateDict {
  tMax: number;
  etaMin: number;
}

/** Python's `%` (result has the divisor's sign). */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * `new CosineAnnealingLR(optimizer, tMax, { etaMin = 0 })`: torch's recursive form
 *   lr_t = etaMin + (1 + cos(π t / T)) / (1 + cos(π (t − 1) / T)) · (lr_{t−1} − etaMin),
 * with torch's special case at t − 1 − T ≡ 0 (mod 2T), where that ratio would be 0/0.
 * (It keeps going past tMax, rising again, exactly as torch does.)
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, tMax: number, options: { etaMin?: number } = {}) {
    const op = 'CosineAnnealingLR';
    const o = readOpts<{ etaMin: number }>(op, options, ['etaMin']);
    const t = intAtLeast(op, 'tMax', tMax, 1);
    const etaMin = finite(op, 'options.etaMin', o.etaMin ?? 0);
    super(op, optimizer);
    this.tMax = t;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: e, tMax: T, etaMin } = this;
    if (e === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }

  stateDict(): CosineAnnealingLRStateDict {
    return { ...this.baseState(), tMax: this.tMax, etaMin: this.etaMin };
  }

  loadStateDict(stateDict: CosineAnnealingLRStateDict): void {
    const op = 'CosineAnnealingLR.loadStateDict';
    const sd = record(op, 'stateDict', stateDict);
    const tMax = intAtLeast(op, 'stateDict.tMax', sd['tMax'], 1);
    const etaMin = finite(op, 'stateDict.etaMin', sd['etaMin']);
    this.loadBase(sd);
    this.tMax = tMax;
    this.etaMin = etaMin;
  }
}
