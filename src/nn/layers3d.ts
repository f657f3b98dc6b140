/**
 * The 3-d pools (torch.nn.MaxPool3d, AvgPool3d, AdaptiveAvgPool3d), so that every pool an
 * architecture string can describe has a module. Settings and reprs as the 1-d/2-d ones.
 */
import type { Tensor } from '../tensor.js';
import { adaptiveAvgPool3d, avgPool3d, maxPool3d } from '../ops/pool.js';
import type { AdaptiveOutputSize } from '../ops/pool.js';
import { AvgPoolNd, MaxPoolNd, pyAdaptive, readAdaptive } from './layers.js';
import type { AvgPoolLayerOptions, MaxPoolLayerOptions } from './layers.js';
import { Module } from './module.js';

export class MaxPool3d extends MaxPoolNd {
  constructor(kernelSize: number | readonly number[], options?: MaxPoolLayerOptions) {
    super(3, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return maxPool3d(input, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }
}

export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: number | readonly number[], options?: AvgPoolLayerOptions) {
    super(3, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return avgPool3d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }
}

export class AdaptiveAvgPool3d extends Module {
  readonly outputSize: AdaptiveOutputSize;
  constructor(outputSize: AdaptiveOutputSize) {
    super();
    this.outputSize = readAdaptive('AdaptiveAvgPool3d', outputSize, 3);
  }
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool3d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyAdaptive(this.outputSize)}`;
  }
}
