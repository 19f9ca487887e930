// The benchmark cases, as data: what to compute, on which shapes, and how to report it. Each
// framework's runner (bench/peers/*) implements every `kind`; the same inputs go to all of them.

import type { InputSpec } from './data.js';
import { type ModelParams, trainingCases } from './training.js';

export type Group = 'gemm' | 'conv' | 'elementwise' | 'softmax' | 'overhead' | 'train';
export type Kind = 'matmul' | 'conv2d' | 'add' | 'exp' | 'relu' | 'softmax' | 'scalarAdd' | 'train' | 'infer';
/** Reported figure: throughput (higher is better) or time per call (lower is better). */
export type Metric = 'GFLOP/s' | 'GB/s' | 'ms' | 'us/op' | 'samples/s' | 'us';

/** Convolution settings: NCHW input, OIHW weight, bias; backward gives grads of w, b (and x). */
export interface ConvParams {
  stride: number;
  padding: number;
  /** Forward + backward (with upstream gradient `dy`) instead of forward only. */
  backward: boolean;
  /** Whether x needs a gradient too (a hidden layer) or not (the first layer, fed with data). */
  gradInput: boolean;
}

export interface CaseSpec {
  /** Stable id, e.g. 'gemm-1024'; `--only` matches ids, id prefixes and groups. */
  id: string;
  group: Group;
  kind: Kind;
  /** What the row computes, with exact shapes. */
  label: string;
  inputs: InputSpec[];
  conv?: ConvParams;
  /** Whole-model cases (bench/training.ts): architecture, batch, training or inference. */
  model?: ModelParams;
  metric: Metric;
  /** Floating-point operations per call (GFLOP/s, and the estimate that skips hopeless cases). */
  flops: number;
  /** Bytes read + written per call (GB/s). */
  bytes: number;
  /** Included in `--quick`. */
  quick: boolean;
  /** How much slower than its GEMM rate the reference backend runs this op (measured, rough). */
  refSlowdown: number;
}

const F32 = 4;
const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** C (m, n) = A (m, k) @ B (k, n). */
function gemm(id: string, m: number, k: number, n: number, quick: boolean): CaseSpec {
  return {
    id,
    group: 'gemm',
    kind: 'matmul',
    label: `matmul ${m}x${k} @ ${k}x${n}`,
    inputs: [
      { name: 'a', shape: [m, k], dist: 'uniform' },
      { name: 'b', shape: [k, n], dist: 'uniform' },
    ],
    metric: 'GFLOP/s',
    flops: 2 * m * n * k,
    bytes: F32 * (m * k + k * n + m * n),
    quick,
    refSlowdown: 1,
  };
}

/** y (n, o, oh, ow) = conv2d(x (n, c, h, w), w (o, c, k, k), b (o)), stride 1, padding 1. */
function conv(id: string, n: number, c: number, h: number, o: number, k: number, backward: boolean, gradInput: boolean): CaseSpec {
  const p = (k - 1) >> 1;
  const oh = h + 2 * p - k + 1;
  const x = [n, c, h, h];
  const y = [n, o, oh, oh];
  const fwd = 2 * n * o * c * k * k * oh * oh;
  const grads = backward ? (gradInput ? 'dx, dw, db' : 'dw, db') : '';
  const inputs: InputSpec[] = [
    { name: 'x', shape: x, dist: 'normal' },
    { name: 'w', shape: [o, c, k, k], dist: 'normal' },
    { name: 'b', shape: [o], dist: 'normal' },
  ];
  if (backward) inputs.push({ name: 'dy', shape: y, dist: 'normal' });
  return {
    id,
    group: 'conv',
    kind: 'conv2d',
    label: `conv2d x${shape(x)} w${shape([o, c, k, k])} +b p${p} -> ${shape(y)}${backward ? ` fwd+bwd (${grads})` : ' fwd'}`,
    inputs,
    conv: { stride: 1, padding: p, backward, gradInput },
    metric: 'ms',
    // Backward: the weight gradient costs one forward, the input gradient another.
    flops: fwd * (backward ? (gradInput ? 3 : 2) : 1),
    bytes: F32 * (prod(x) + o * c * k * k + prod(y)) * (backward ? 3 : 1),
    quick: true,
    refSlowdown: 4,
  };
}

function unary(kind: 'exp' | 'relu', n: number): CaseSpec {
  return {
    id: kind,
    group: 'elementwise',
    kind,
    label: `${kind}(x), x ${shape([n])}`,
    inputs: [{ name: 'a', shape: [n], dist: 'uniform' }],
    metric: 'GB/s',
    flops: n,
    bytes: 2 * F32 * n,
    quick: true,
    refSlowdown: 1,
  };
}

const shape = (s: readonly number[]): string => `[${s.join(',')}]`;

/** Every case, in the order they run and print. */
export function allCases(): CaseSpec[] {
  const n = 1 << 20;
  return [
    gemm('gemm-256', 256, 256, 256, true),
    gemm('gemm-512', 512, 512, 512, true),
    gemm('gemm-1024', 1024, 1024, 1024, false),
    gemm('gemm-2048', 2048, 2048, 2048, false),
    // The GPU yardstick (issue 11: GFLOP/s against the card's FP32 peak); skipped by estimate where too slow.
    gemm('gemm-4096', 4096, 4096, 4096, false),
    gemm('gemm-mlp-128x784x256', 128, 784, 256, true),
    gemm('gemm-mlp-128x256x784', 128, 256, 784, true),
    // A LeNet-like pair of layers at batch 64: 1 -> 32 channels on 28x28, then 32 -> 64 on 14x14.
    conv('conv1-fwd', 64, 1, 28, 32, 3, false, false),
    conv('conv1-fwdbwd', 64, 1, 28, 32, 3, true, false),
    conv('conv2-fwd', 64, 32, 14, 64, 3, false, false),
    conv('conv2-fwdbwd', 64, 32, 14, 64, 3, true, true),
    {
      id: 'add',
      group: 'elementwise',
      kind: 'add',
      label: `add(a, b), a, b ${shape([n])}`,
      inputs: [
        { name: 'a', shape: [n], dist: 'uniform' },
        { name: 'b', shape: [n], dist: 'uniform' },
      ],
      metric: 'GB/s',
      flops: n,
      bytes: 3 * F32 * n,
      quick: true,
      refSlowdown: 1,
    },
    unary('exp', n),
    unary('relu', n),
    {
      id: 'softmax',
      group: 'softmax',
      kind: 'softmax',
      label: 'softmax(x, dim=-1), x [128,1000]',
      inputs: [{ name: 'x', shape: [128, 1000], dist: 'normal' }],
      metric: 'ms',
      flops: 5 * 128 * 1000,
      bytes: 2 * F32 * 128 * 1000,
      quick: true,
      refSlowdown: 1,
    },
    {
      id: 'overhead-add',
      group: 'overhead',
      kind: 'scalarAdd',
      label: 'add(a, b), a, b [1]: cost of one op call',
      inputs: [
        { name: 'a', shape: [1], dist: 'uniform' },
        { name: 'b', shape: [1], dist: 'uniform' },
      ],
      metric: 'us/op',
      flops: 1,
      bytes: 3 * F32,
      quick: true,
      refSlowdown: 1,
    },
    ...trainingCases(),
  ];
}

/** The figure reported for a median time per call of `ms`. */
export function metricValue(c: CaseSpec, ms: number): number {
  switch (c.metric) {
    case 'GFLOP/s':
      return c.flops / (ms * 1e6);
    case 'GB/s':
      return c.bytes / (ms * 1e6);
    case 'ms':
      return ms;
    case 'us/op':
      return ms * 1e3;
    case 'us':
      return ms * 1e3;
    case 'samples/s':
      return ((c.model?.batch ?? 1) * 1e3) / ms;
  }
}

/** Whether a bigger figure is better for this metric. */
export const higherIsBetter = (m: Metric): boolean => m === 'GFLOP/s' || m === 'GB/s' || m === 'samples/s';

/**
 * Cases chosen by `--only` (tokens matching a group, an id, or an id prefix such as 'gemm-mlp')
 * and `--quick` (the smaller set; a case named by its exact id runs anyway).
 */
export function selectCases(cases: readonly CaseSpec[], only: readonly string[], quick: boolean): CaseSpec[] {
  const groupAlias: Record<string, string> = { ew: 'elementwise', elementwise: 'elementwise', matmul: 'gemm' };
  return cases.filter((c) => {
    if (only.includes(c.id)) return true; // named exactly: runs even when --quick would leave it out
    if (quick && !c.quick) return false;
    if (only.length === 0) return true;
    return only.some((t) => c.group === (groupAlias[t] ?? t) || c.id.startsWith(`${t}-`) || c.kind === t);
  });
}
