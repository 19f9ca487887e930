// tessera under benchmark, called the way a user calls it: plain ops, `.backward()`, `.grad`.
// Outputs are released with `.dispose()` inside timing loops because the peers dispose too (in
// tessera it is an optional optimisation; without it the heap reclaims memory by itself).

import * as T from '../../src/index.js';
import type { CaseSpec } from '../cases.js';
import { type CaseInputs, input } from '../data.js';
import type { TimingPolicy } from '../harness.js';
import { type Prepared, type Result, type Runner, timePrepared } from '../runner.js';
import { prepareModelCase } from './tessera_training.js';

type Tensor = T.Tensor;

/** Thread controls arrive with the wasm backend; until then they may be missing. */
const threadApi = T as unknown as { setNumThreads?: (n: number) => void; getNumThreads?: () => number };

/** Options of the tessera runner. */
export interface TesseraOptions {
  /** Device to use; default tessera's own default ('cpu'). */
  backend?: string;
  /** Threads to ask for; default tessera's default (all cores). */
  threads?: number;
}

/** Tensor of `shape` holding `data`, optionally a leaf that requires grad. */
function fromData(data: Float32Array, shape: readonly number[], requiresGrad = false): Tensor {
  const t = T.tensor(data).reshape([...shape]);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

/** Threads tessera computes with: 1 on the reference backend or before thread controls exist. */
export function tesseraThreads(): number {
  if (T.getDefaultDevice() === 'reference') return 1;
  return threadApi.getNumThreads?.() ?? 1;
}

/** Sets tessera's thread count where the API exists; returns whether it did. */
export function setTesseraThreads(n: number): boolean {
  if (threadApi.setNumThreads === undefined) return false;
  threadApi.setNumThreads(n);
  return true;
}

/**
 * GFLOP/s of a 128x128x128 matmul on the active backend (median of 5): a yardstick to estimate how
 * long a case would take, so hopeless cases on the reference backend are skipped up front.
 */
export function calibrateGemmRate(): number {
  const n = 128;
  const a = T.randn([n, n]);
  const b = T.randn([n, n]);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    T.matmul(a, b).dispose();
    times.push(performance.now() - t0);
  }
  a.dispose();
  b.dispose();
  const ms = times.slice(2).sort((x, y) => x - y)[2];
  return (2 * n ** 3) / (Math.max(ms, 1e-4) * 1e6);
}

function prepare(spec: CaseSpec, inputs: CaseInputs): Prepared {
  const get = (name: string, grad = false): Tensor => {
    const v = input(inputs, name);
    return fromData(v.data, v.spec.shape, grad);
  };
  const read = (t: Tensor): Float32Array => {
    const out = t.toTypedArray() as Float32Array;
    t.dispose();
    return out;
  };
  if (spec.kind === 'conv2d') return prepareConv(spec, get);
  if (spec.kind === 'train' || spec.kind === 'infer') return prepareModelCase(spec, inputs);
  const ins: Tensor[] = spec.inputs.map((s) => get(s.name));
  const [a, b] = ins;
  let op: () => Tensor;
  switch (spec.kind) {
    case 'matmul':
      op = () => T.matmul(a, b);
      break;
    case 'add':
    case 'scalarAdd':
      op = () => T.add(a, b);
      break;
    case 'exp':
      op = () => T.exp(a);
      break;
    case 'relu':
      op = () => T.relu(a);
      break;
    case 'softmax':
      op = () => T.softmax(a, -1);
      break;
    default:
      throw new Error(`tessera runner: unknown kind '${spec.kind}'`);
  }
  return {
    call: () => op().dispose(),
    outputs: () => [read(op())],
    dispose: () => {
      for (const t of ins) t.dispose();
    },
  };
}

function prepareConv(spec: CaseSpec, get: (name: string, grad?: boolean) => Tensor): Prepared {
  const p = spec.conv!;
  const x = get('x', p.backward && p.gradInput); // (N, C, H, W)
  const w = get('w', p.backward); // (O, C, KH, KW)
  const b = get('b', p.backward); // (O)
  const dy = p.backward ? get('dy') : null; // (N, O, OH, OW)
  const leaves = p.gradInput ? [x, w, b] : [w, b];
  const opts = { stride: p.stride, padding: p.padding };
  const forward = (): Tensor => T.conv2d(x, w, b, opts);
  /** Forward + backward; returns the gradients and leaves `.grad` cleared, like zero_grad(set_to_none). */
  const step = (): Tensor[] => {
    const y = forward();
    y.backward(dy!);
    y.dispose();
    const grads = leaves.map((t) => t.grad!);
    for (const t of leaves) t.grad = null;
    return grads;
  };
  return {
    call: p.backward
      ? () => {
          for (const g of step()) g.dispose();
        }
      : () => forward().dispose(),
    outputs: () =>
      (p.backward ? step() : [forward()]).map((t) => {
        const out = t.toTypedArray() as Float32Array;
        t.dispose();
        return out;
      }),
    dispose: () => {
      for (const t of [x, w, b, dy]) t?.dispose();
    },
  };
}

/** The tessera column. */
export class TesseraRunner implements Runner {
  readonly name = 'tessera';
  constructor(private readonly options: TesseraOptions = {}) {}

  async setup(): Promise<Record<string, string | number>> {
    if (this.options.backend !== undefined) T.setDefaultDevice(this.options.backend);
    const threadsSet = this.options.threads !== undefined && setTesseraThreads(this.options.threads);
    return {
      backend: T.getDefaultDevice(),
      'backends registered': T.listDevices().join(', '),
      threads: tesseraThreads(),
      'thread API': threadApi.setNumThreads ? (threadsSet ? 'setNumThreads called' : 'present') : 'absent (single-threaded)',
    };
  }

  run(spec: CaseSpec, inputs: CaseInputs, policy: TimingPolicy): Promise<Result> {
    return timePrepared(() => prepare(spec, inputs), policy);
  }

  async close(): Promise<void> {}
}
