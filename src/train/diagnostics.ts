/**
 * Training diagnostics (MISSION items 4 and 6): per-layer gradient norms, dead ReLU units (units
 * whose activation was zero on every example seen in the epoch) and warnings for vanishing or
 * exploding gradients. Browser-safe; works on any nn.Module through forward hooks.
 */
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import type { AnyModule, HookRemover, Module } from '../nn/module.js';
import { ReLU } from '../nn/layers.js';
import { noGrad } from '../autograd/tape.js';

export const VANISHING = 1e-7;
export const EXPLODING = 1e3;

export interface LayerReport {
  /** Module path, e.g. `0` or `features.3`. */
  name: string;
  /** Mean over the epoch's steps of the L2 norm of this module's parameter gradients. */
  gradNorm?: number;
  /** For ReLU modules: fraction of units (channels for conv maps) never active in the epoch. */
  deadFraction?: number;
  deadUnits?: number;
  units?: number;
}

export interface DiagnosticsReport {
  layers: LayerReport[];
  warnings: string[];
}

export class TrainingDiagnostics {
  private readonly removers: HookRemover[] = [];
  private readonly alive = new Map<string, Uint8Array>();
  private readonly gradSums = new Map<string, number>();
  private steps = 0;
  private readonly groups: [string, Tensor[]][];

  constructor(private readonly model: Module) {
    const byModule = new Map<string, Tensor[]>();
    for (const [name, p] of model.namedParameters()) {
      const cut = name.lastIndexOf('.');
      const owner = cut < 0 ? '(root)' : name.slice(0, cut);
      if (!byModule.has(owner)) byModule.set(owner, []);
      byModule.get(owner)!.push(p);
    }
    this.groups = [...byModule.entries()];
    for (const [name, m] of model.namedModules()) {
      if (!(m instanceof ReLU)) continue;
      this.removers.push(
        (m as AnyModule).registerForwardHook((_mod, _inputs, output) => {
          if (this.model.training) this.recordActivation(name, output as Tensor);
        }),
      );
    }
  }

  /** Marks the units of one ReLU output that were active (> 0) somewhere in this batch. */
  private recordActivation(name: string, out: Tensor): void {
    const units = out.shape.length >= 2 ? out.shape[1]! : out.shape[0] ?? 1;
    const n = out.shape[0] ?? 1;
    const inner = out.shape.length >= 2 ? out.numel / (n * units) : 1;
    let a = this.alive.get(name);
    if (!a) this.alive.set(name, (a = new Uint8Array(units)));
    const d = valuesOf(out);
    for (let b = 0; b < n; b++)
      for (let u = 0; u < units; u++) {
        if (a[u]) continue;
        const base = (b * units + u) * inner;
        for (let i = 0; i < inner; i++)
          if (d[base + i]! > 0) {
            a[u] = 1;
            break;
          }
      }
  }

  /** Call after `loss.backward()` each step: accumulates per-module gradient norms. */
  afterBackward(): void {
    this.steps++;
    for (const [name, ps] of this.groups) {
      let s = 0;
      for (const p of ps) if (p.grad) for (const v of valuesOf(p.grad)) s += v * v;
      this.gradSums.set(name, (this.gradSums.get(name) ?? 0) + Math.sqrt(s));
    }
  }

  /** The report for the epoch so far; `reset()` starts the next one. */
  report(): DiagnosticsReport {
    const layers: LayerReport[] = [];
    const warnings: string[] = [];
    for (const [name] of this.groups) {
      const g = this.steps ? this.gradSums.get(name)! / this.steps : 0;
      layers.push({ name, gradNorm: g });
      if (g < VANISHING) warnings.push(`vanishing gradient: layer ${name} has mean gradient norm ${g.toExponential(2)} (< ${VANISHING})`);
      if (g > EXPLODING) warnings.push(`exploding gradient: layer ${name} has mean gradient norm ${g.toExponential(2)} (> ${EXPLODING})`);
    }
    for (const [name, a] of this.alive) {
      const dead = a.length - a.reduce((s, v) => s + v, 0);
      layers.push({ name, deadFraction: dead / a.length, deadUnits: dead, units: a.length });
      if (dead > 0) warnings.push(`dead ReLU units: ${dead} of ${a.length} units after layer ${name} were zero on every example this epoch`);
    }
    return { layers, warnings };
  }

  reset(): void {
    this.alive.clear();
    this.gradSums.clear();
    this.steps = 0;
  }

  detach(): void {
    for (const r of this.removers) r();
  }
}

/**
 * Re-runs `input` through a Sequential-like model child by child and returns the path of the first
 * child whose output holds NaN or ±Infinity (null if none does): where a non-finite loss came from.
 */
export function firstNonFiniteLayer(model: Module, input: Tensor): string | null {
  let found: string | null = null;
  const removers: HookRemover[] = [];
  for (const [name, m] of model.namedModules()) {
    if (name === '') continue;
    removers.push(
      (m as AnyModule).registerForwardHook((_mod, _inputs, output) => {
        if (found === null && output && typeof output === 'object' && 'data' in (output as object)) {
          const d = valuesOf(output as Tensor);
          for (let i = 0; i < d.length; i++)
            if (!Number.isFinite(d[i]!)) {
              found = name;
              break;
            }
        }
      }),
    );
  }
  try {
    noGrad(() => (model as AnyModule).call(input as never));
  } finally {
    for (const r of removers) r();
  }
  return found;
}
