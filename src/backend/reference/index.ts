// The reference backend: every primitive in plain TypeScript, written for clarity, not speed.
// It is the oracle the conformance suite checks other backends against, and their fallback.

import type { Backend } from '../backend.js';
import { refArgReduce, refGather, refIndexAdd, refIndexSelect, refMatmul, refReduce, refScatterAdd, refSoftmax } from './compute.js';
import {
  refAvgPool2d,
  refAvgPool2dBackward,
  refConv2d,
  refConv2dBackwardInput,
  refConv2dBackwardWeight,
  refMaxPool2d,
  refMaxPool2dBackward,
} from './conv.js';
import { refBinary, refCopy, refFill, refUnary, refWhere } from './elementwise.js';
import { refAdamStep } from './optim.js';

/** Plain TypeScript implementation of every primitive. */
export class ReferenceBackend implements Backend {
  readonly name: string = 'reference';
  fill = refFill;
  copy = refCopy;
  unary = refUnary;
  binary = refBinary;
  where = refWhere;
  reduce = refReduce;
  argReduce = refArgReduce;
  matmul = refMatmul;
  softmax = refSoftmax;
  conv2d = refConv2d;
  conv2dBackwardInput = refConv2dBackwardInput;
  conv2dBackwardWeight = refConv2dBackwardWeight;
  maxPool2d = refMaxPool2d;
  maxPool2dBackward = refMaxPool2dBackward;
  avgPool2d = refAvgPool2d;
  avgPool2dBackward = refAvgPool2dBackward;
  indexSelect = refIndexSelect;
  indexAdd = refIndexAdd;
  gather = refGather;
  scatterAdd = refScatterAdd;
  adamStep = refAdamStep;
}
