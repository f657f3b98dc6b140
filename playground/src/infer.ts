/**
 * Inference on the page: the same convkit model as the worker's, loaded from the weights it posts,
 * run child by child so every layer's output can be shown.
 */
import { noGrad, tensor } from '../../src/index.js';
import { buildModel } from '../../src/models/index.js';
import type { AnyModule, Module } from '../../src/nn/module.js';
import type { Tensor } from '../../src/tensor.js';
import type { ModelName, PlainState } from './protocol.js';

export interface LayerOutput {
  name: string;
  type: string;
  shape: number[];
  data: Float32Array;
}

export class PageModel {
  readonly model: Module;
  step = 0;

  constructor(readonly name: ModelName) {
    this.model = buildModel(name, 10);
    this.model.eval();
  }

  load(state: PlainState, step: number): void {
    const sd: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(state)) sd[k] = tensor(v.data, { shape: v.shape });
    this.model.loadStateDict(sd);
    this.model.eval();
    this.step = step;
  }

  /** Runs one 28×28 image (784 values in [0, 1]) through each child; returns every layer's output. */
  layers(pixels: ArrayLike<number>): LayerOutput[] {
    return noGrad(() => {
      let x = tensor(Float32Array.from(pixels), { shape: [1, 1, 28, 28] });
      const out: LayerOutput[] = [];
      for (const [name, m] of this.model.namedModules()) {
        if (name === '' || name.includes('.')) continue;
        x = (m as AnyModule).call(x as never) as Tensor;
        out.push({ name, type: m.constructor.name, shape: [...x.shape], data: Float32Array.from(x.data as ArrayLike<number>) });
      }
      return out;
    });
  }

  /** The logits of one image. */
  logits(pixels: ArrayLike<number>): Float32Array {
    const ls = this.layers(pixels);
    return ls[ls.length - 1]!.data;
  }

  /** The first convolution's weight [Cout, Cin, kH, kW], if the model has one. */
  firstFilters(): { shape: number[]; data: Float32Array } | null {
    for (const [k, t] of Object.entries(this.model.stateDict())) {
      if (k.endsWith('.weight') && t.shape.length === 4) return { shape: [...t.shape], data: Float32Array.from(t.data as ArrayLike<number>) };
    }
    return null;
  }
}
