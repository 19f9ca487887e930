// Language-model data: the Shakespeare corpus that ships with tessera (nanoGPT's character-level
// benchmark, with its 90/10 split) and LanguageModelBatches, nanoGPT's get_batch: random windows
// of a token array as (x, y) pairs, y being x shifted by one token.

import { Generator } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import { reshape } from '../ops/movement.js';
import { locate, readAsset, where } from './builtin.js';

/** The Shakespeare corpus and nanoGPT's split of it. */
export interface TextCorpus {
  /** The whole text. */
  text: string;
  /** The first 90% of the characters (nanoGPT's `data[:int(n * 0.9)]`). */
  train: string;
  /** The last 10%. */
  val: string;
  /** Where the text was read from (a path, or a URL where fetched). */
  source: string;
}

/** The fraction of the corpus that nanoGPT's prepare.py gives to training. */
export const SHAKESPEARE_TRAIN_FRACTION = 0.9;

/**
 * The tiny Shakespeare corpus (1,115,394 characters, 65 distinct; public domain; from
 * karpathy/char-rnn, data/tinyshakespeare/README.md in the package gives its origin) that ships
 * in tessera's data/ folder, split as nanoGPT's shakespeare_char/prepare.py splits it: the first
 * int(n * 0.9) characters for training (1,003,854), the rest for validation (111,540).
 *
 * @example
 * const { train, val } = await shakespeare();
 * train.length; // 1003854
 */
export async function shakespeare(): Promise<TextCorpus> {
  const folder = await locate('tinyshakespeare');
  const file = new URL('input.txt', folder);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(await readAsset(file));
  const cut = Math.floor(text.length * SHAKESPEARE_TRAIN_FRACTION);
  return { text, train: text.slice(0, cut), val: text.slice(cut), source: where(file) };
}

export interface LanguageModelBatchesOptions {
  /** Tokens per sequence (the context length T). */
  blockSize: number;
  /** Sequences per batch (B). */
  batchSize: number;
  /** The generator drawing the window starts. Default: a new Generator(seed). */
  generator?: Generator;
  /** Seed of the generator made when none is given. Default 0. */
  seed?: number;
  /** Device of the batches. Default: the default device. */
  device?: string;
}

/** One language-model batch: inputs and the next-token targets, both int32 (B, T). */
export interface LanguageModelBatch {
  x: Tensor;
  y: Tensor;
  /** The window starts drawn, one per row: x[b] = tokens[starts[b] .. starts[b] + T - 1]. */
  starts: number[];
}

/**
 * Random training batches over a token array, as nanoGPT's get_batch: each row starts at a
 * uniform position i in [0, tokens.length - blockSize), x = tokens[i .. i + blockSize - 1] and
 * y = tokens[i + 1 .. i + blockSize] (the next token at every position). The starts come from the
 * Generator, so a seed (or a generator's saved state) reproduces the batches. Also iterable
 * (endless; take as many as needed).
 *
 * @example
 * const batches = new LanguageModelBatches(trainIds, { blockSize: 64, batchSize: 12, seed: 1337 });
 * const { x, y } = batches.next(); // int32 (12, 64) each
 */
export class LanguageModelBatches implements Iterable<LanguageModelBatch> {
  readonly tokens: Int32Array;
  readonly blockSize: number;
  readonly batchSize: number;
  readonly generator: Generator;
  readonly device: string | undefined;

  constructor(tokens: Int32Array, options: LanguageModelBatchesOptions) {
    if (!(tokens instanceof Int32Array)) {
      throw new TypeError(`LanguageModelBatches: tokens must be an Int32Array, got ${Object.prototype.toString.call(tokens)}`);
    }
    const { blockSize, batchSize } = options;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new RangeError(`LanguageModelBatches: blockSize must be an integer >= 1, got ${blockSize}`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`LanguageModelBatches: batchSize must be an integer >= 1, got ${batchSize}`);
    }
    if (tokens.length < blockSize + 1) {
      throw new RangeError(`LanguageModelBatches: tokens must hold at least blockSize + 1 = ${blockSize + 1} tokens, got ${tokens.length}`);
    }
    if (options.generator !== undefined && !(options.generator instanceof Generator)) {
      throw new TypeError('LanguageModelBatches: generator must be a Generator');
    }
    this.tokens = tokens;
    this.blockSize = blockSize;
    this.batchSize = batchSize;
    this.generator = options.generator ?? new Generator(options.seed ?? 0);
    this.device = options.device;
  }

  /** Draws the next batch. */
  next(): LanguageModelBatch {
    const { tokens, blockSize: t, batchSize: b } = this;
    const x = new Int32Array(b * t);
    const y = new Int32Array(b * t);
    const starts: number[] = [];
    for (let r = 0; r < b; r++) {
      const i = this.generator.int(0, tokens.length - t);
      starts.push(i);
      x.set(tokens.subarray(i, i + t), r * t);
      y.set(tokens.subarray(i + 1, i + 1 + t), r * t);
    }
    const opts = { dtype: 'int32' as const, device: this.device };
    return { x: reshape(tensor(x, opts), [b, t]), y: reshape(tensor(y, opts), [b, t]), starts };
  }

  *[Symbol.iterator](): Iterator<LanguageModelBatch> {
    for (;;) yield this.next();
  }
}
