// onnxruntime-node under benchmark, for the batch-1 inference rows only (bench/training.ts): the
// same network and weights as every other column, written as an ONNX model by bench/peers/onnx.ts.
// onnxruntime-node is optional and not a dependency of tessera; when it is missing the column is
// left out. Install it (CPU build only) with:
//
//   ONNXRUNTIME_NODE_INSTALL=skip npm i --no-save onnxruntime-node

import type { CaseSpec } from '../cases.js';
import { type CaseInputs, checksum, input } from '../data.js';
import { measure, type TimingPolicy } from '../harness.js';
import { failure, type Result, type Runner } from '../runner.js';
import { onnxModel } from './onnx.js';

/** The part of onnxruntime-node's API used here (the package is optional, so typed locally). */
interface OrtTensor {
  readonly data: ArrayLike<number>;
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(model: Uint8Array, options: object): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions?: Record<string, string> };
}

/** The onnxruntime column ('onnxruntime'). */
export class OrtRunner implements Runner {
  readonly name = 'onnxruntime';
  private ort: Ort | null = null;

  /** `threads`: intraOpNumThreads, equal to tessera's thread count. */
  constructor(private readonly threads: number) {}

  async setup(): Promise<Record<string, string | number>> {
    const pkg = 'onnxruntime-node'; // a variable: the import must not be resolved at compile time
    try {
      this.ort = (await import(pkg)) as Ort;
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new Error(`onnxruntime-node is not installed (ONNXRUNTIME_NODE_INSTALL=skip npm i --no-save onnxruntime-node): ${why}`);
    }
    return {
      version: this.ort.env.versions?.node ?? this.ort.env.versions?.common ?? 'unknown',
      threads: this.threads,
      options: 'intraOpNumThreads = threads, interOpNumThreads 1, sequential, graph optimisation all',
      rows: 'batch-1 inference only',
    };
  }

  async run(spec: CaseSpec, inputs: CaseInputs, policy: TimingPolicy): Promise<Result> {
    if (spec.kind !== 'infer' || spec.model === undefined) return { status: 'skipped', reason: '-' };
    const ort = this.ort!;
    let session: OrtSession | null = null;
    try {
      session = await ort.InferenceSession.create(onnxModel(spec.model.arch, inputs), {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      const xs = input(inputs, 'x');
      const feeds = { x: new ort.Tensor('float32', xs.data, xs.spec.shape) };
      const s = session;
      const sum = checksum([(await s.run(feeds)).logits.data]);
      const stats = await measure(async () => {
        await s.run(feeds);
      }, policy);
      return { status: 'ok', stats, checksum: sum };
    } catch (e) {
      return failure(e);
    } finally {
      await session?.release();
    }
  }

  async close(): Promise<void> {}
}
