// Whole-model benchmarks (issue 3): training throughput of an MLP and a small CNN with Adam, and
// their batch-1 inference latency. This file says what the models are, framework-neutrally, and
// registers the cases; each peer builds the same network from the same seeded initial weights
// (bench/peers/*_training.*), so the first step's loss and gradients can be compared across columns.
//
//   node dist/bench/run.js --only=train         # all four model cases
//   node dist/bench/run.js --only=infer         # the batch-1 latency rows only

import type { CaseSpec } from './cases.js';
import type { InputSpec } from './data.js';

/** The two architectures of issue 3. */
export type Arch = 'mlp' | 'cnn';

/** What a model case runs: which network, at what batch size, training step or inference. */
export interface ModelParams {
  arch: Arch;
  /** Samples per call. */
  batch: number;
  /** One Adam training step (forward, cross-entropy, backward, update) instead of inference. */
  train: boolean;
  /** Adam's learning rate (betas 0.9, 0.999, eps 1e-8 everywhere). */
  lr: number;
}

/** One parameter, named and shaped as in PyTorch's nn.Sequential (Linear (out, in), Conv2d OIHW). */
export interface ParamSpec {
  name: string;
  shape: readonly number[];
  /** Fan-in: initial values are U(-1, 1) / sqrt(fanIn), PyTorch's default bound. */
  fanIn: number;
}

/** Number of classes of both models. */
export const CLASSES = 10;

/**
 * The parameters of `arch`, in PyTorch order:
 * - mlp: Linear(784, 256) ReLU Linear(256, 128) ReLU Linear(128, 10)
 * - cnn: Conv2d(1, 32, 3) ReLU MaxPool2d(2) Conv2d(32, 64, 3) ReLU MaxPool2d(2) Flatten Linear(1600, 10)
 *   on (N, 1, 28, 28): (N, 32, 26, 26) -> (N, 32, 13, 13) -> (N, 64, 11, 11) -> (N, 64, 5, 5) -> (N, 1600)
 */
export function paramSpecs(arch: Arch): ParamSpec[] {
  const linear = (i: number, fin: number, fout: number): ParamSpec[] => [
    { name: `${i}.weight`, shape: [fout, fin], fanIn: fin },
    { name: `${i}.bias`, shape: [fout], fanIn: fin },
  ];
  const conv = (i: number, cin: number, cout: number): ParamSpec[] => [
    { name: `${i}.weight`, shape: [cout, cin, 3, 3], fanIn: cin * 9 },
    { name: `${i}.bias`, shape: [cout], fanIn: cin * 9 },
  ];
  if (arch === 'mlp') return [...linear(0, 784, 256), ...linear(2, 256, 128), ...linear(4, 128, CLASSES)];
  return [...conv(0, 1, 32), ...conv(3, 32, 64), ...linear(7, 1600, CLASSES)];
}

/** Shape of one input sample: (784) for the MLP, (1, 28, 28) for the CNN. */
export const sampleShape = (arch: Arch): number[] => (arch === 'mlp' ? [784] : [1, 28, 28]);

/** Multiply-adds x 2 of one forward pass over one sample. */
export function forwardFlops(arch: Arch): number {
  if (arch === 'mlp') return 2 * (784 * 256 + 256 * 128 + 128 * CLASSES);
  return 2 * (32 * 9 * 26 * 26 + 64 * 32 * 9 * 11 * 11 + 1600 * CLASSES);
}

/** The input name under which parameter `name` travels: 'p:0.weight'. */
export const paramInput = (name: string): string => `p:${name}`;

function modelCase(arch: Arch, batch: number, train: boolean): CaseSpec {
  const x = [batch, ...sampleShape(arch)];
  const inputs: InputSpec[] = [{ name: 'x', shape: x, dist: 'normal' }];
  if (train) inputs.push({ name: 'y', shape: [batch], dist: 'classes', classes: CLASSES });
  for (const p of paramSpecs(arch))
    inputs.push({ name: paramInput(p.name), shape: p.shape, dist: 'uniform', scale: 1 / Math.sqrt(p.fanIn) });
  const what = arch === 'mlp' ? 'MLP 784-256-128-10 ReLU' : 'CNN c32-pool-c64-pool-fc10';
  // Training = forward + backward (about twice the forward) + the optimizer's elementwise update.
  const flops = forwardFlops(arch) * batch * (train ? 3 : 1);
  return {
    id: `${train ? 'train' : 'infer'}-${arch}`,
    group: 'train',
    kind: train ? 'train' : 'infer',
    label: train ? `${what}, Adam step, batch ${batch}` : `${what}, inference, batch 1`,
    inputs,
    model: { arch, batch, train, lr: 1e-3 },
    metric: train ? 'samples/s' : 'us',
    flops,
    bytes: 4 * x.reduce((a, b) => a * b, 1),
    quick: true,
    // Measured: a training step on the reference backend runs several times slower than its GEMM rate.
    refSlowdown: arch === 'cnn' ? 8 : 4,
  };
}

/** The model cases, in the order they run: training throughput, then batch-1 latency. */
export function trainingCases(): CaseSpec[] {
  return [modelCase('mlp', 128, true), modelCase('cnn', 64, true), modelCase('mlp', 1, false), modelCase('cnn', 1, false)];
}
