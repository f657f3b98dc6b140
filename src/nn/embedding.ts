/** nn.Embedding: a lookup table of `numEmbeddings` vectors of size `embeddingDim` (torch.nn.Embedding). */
import type { DType } from '../dtype.js';
import { arange, randn } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { ne } from '../ops/elementwise_binary.js';
import { where } from '../ops/elementwise_where.js';
import { unsqueeze } from '../ops/movement_layout.js';
import { checkPaddingIdx, embedding } from '../ops/embedding.js';
import { Module, readDType } from './module.js';
import { nonNegInt, readOptions } from './util_args.js';

export interface EmbeddingLayerOptions {
  /** This row starts at zero and never receives a gradient (torch's padding_idx); default none. */
  paddingIdx?: number | null;
  dtype?: DType;
}

/**
 * `new Embedding(numEmbeddings, embeddingDim, { paddingIdx })`: weight [numEmbeddings, embeddingDim]
 * drawn from N(0, 1) as in torch; `embedding(ids)` maps int32 ids of any shape to
 * `[...ids.shape, embeddingDim]`.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingLayerOptions = {}) {
    super();
    const op = 'Embedding';
    const o = readOptions<EmbeddingLayerOptions>(op, options, ['paddingIdx', 'dtype']);
    this.numEmbeddings = nonNegInt(op, 'numEmbeddings', numEmbeddings);
    this.embeddingDim = nonNegInt(op, 'embeddingDim', embeddingDim);
    this.paddingIdx = checkPaddingIdx(op, o.paddingIdx, this.numEmbeddings);
    const dtype = readDType(op, o.dtype);
    let w = randn([this.numEmbeddings, this.embeddingDim], { dtype });
    if (this.paddingIdx !== null) w = where(unsqueeze(ne(arange(this.numEmbeddings), this.paddingIdx), 1), w, 0);
    this.weight = w.requiresGrad_(true);
    this.registerParameter('weight', this.weight);
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }
}
