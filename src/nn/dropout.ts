// Dropout: random zeroing in training mode, identity in evaluation mode.

import type { Tensor } from '../core/tensor.js';
import { dropout } from '../ops/nn.js';
import { type ConfigValues, Module } from './module.js';
import { numberArg, tensorArg } from './validate.js';

/**
 * Zeroes each element with probability p and scales the others by 1 / (1 - p) while training;
 * passes the input through after `eval()`. Uses the global generator (see manualSeed).
 *
 * Args: p = 0.5.
 * Shape: any, unchanged.
 *
 * @example
 * const drop = new Dropout(0.2);
 * drop.forward(x);        // training: about 20% zeros
 * drop.eval().forward(x); // x
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    this.p = numberArg('Dropout', 'p', p, 0, 1);
  }

  forward(x: Tensor): Tensor {
    tensorArg(`Dropout(p=${this.p})`, x);
    return dropout(x, this.p, this.training);
  }

  override getConfig(): ConfigValues {
    return { p: this.p };
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
