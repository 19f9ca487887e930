// Embedding: a lookup table of learned vectors indexed by integer ids.

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { zeros } from '../ops/creation.js';
import { eq, where } from '../ops/elementwise.js';
import { checkIndex, embedding } from '../ops/indexing.js';
import { unsqueeze } from '../ops/movement.js';
import { normal } from './init.js';
import { type ConfigValues, Module } from './module.js';
import { intArg, tensorArg } from './validate.js';

export interface EmbeddingOptions {
  /** An id whose vector starts at zero and gets no gradient (negative counts from the end). Default none. */
  paddingIdx?: number | null;
}

/**
 * A table of numEmbeddings vectors of size embeddingDim, looked up by int32 ids.
 *
 * Args: numEmbeddings, embeddingDim, `{ paddingIdx = null }`.
 * Shape: ids (*) int32 -> (*, embeddingDim). weight (numEmbeddings, embeddingDim), initialised N(0, 1)
 * with the padding row zeroed.
 *
 * @example
 * const emb = new Embedding(10000, 64, { paddingIdx: 0 });
 * emb.forward(tensor([[5, 9, 0]], { dtype: 'int32' })).shape; // [1, 3, 64]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding id, normalised to [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  readonly weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = intArg('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = intArg('Embedding', 'embeddingDim', embeddingDim);
    const p = options.paddingIdx ?? null;
    if (p !== null && (!Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings)) {
      throw new RangeError(`Embedding: paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings - 1}], got ${p}`);
    }
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = this.registerParameter('weight', zeros([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /** N(0, 1), padding row zero. */
  resetParameters(): void {
    normal(this.weight);
    if (this.paddingIdx !== null) this.weight.detach().select(0, this.paddingIdx).zero_();
  }

  forward(ids: Tensor): Tensor {
    const name = `Embedding(${this.numEmbeddings}, ${this.embeddingDim})`;
    tensorArg(name, ids, 'ids');
    if (ids.dtype !== 'int32') throw new TypeError(`${name}: ids must be an int32 tensor, got ${ids.dtype} of shape ${fmt(ids.shape)}`);
    checkIndex(name, ids, this.numEmbeddings, 0, 'ids', `a table of ${this.numEmbeddings} embeddings`);
    const out = embedding(ids, this.weight);
    if (this.paddingIdx === null) return out;
    // same values, but the padding positions take the detached branch: no gradient to that row
    return where(unsqueeze(eq(ids, this.paddingIdx), -1), out.detach(), out);
  }

  override getConfig(): ConfigValues {
    return { numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim, paddingIdx: this.paddingIdx };
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
