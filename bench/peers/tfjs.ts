// TensorFlow.js under benchmark, one column per backend: 'cpu' (plain JavaScript) and 'wasm'
// (XNNPACK; single-threaded in Node, where tfjs reports no multithread support). Ops are called as
// a tfjs user would, in tfjs's native layouts (NHWC input, HWIO filter: the data is permuted once,
// outside timing), and every result is disposed so tfjs is not penalised for leaks.

import type * as TF from '@tensorflow/tfjs';
import type { CaseSpec } from '../cases.js';
import { type CaseInputs, input, nchwToNhwc, oihwToHwio } from '../data.js';
import type { TimingPolicy } from '../harness.js';
import { type Prepared, type Result, type Runner, timePrepared } from '../runner.js';
import { prepareTfjsModelCase } from './tfjs_training.js';

type Tf = typeof TF;
type Tensor = TF.Tensor;

let loaded: Promise<{ tf: Tf; wasm: typeof import('@tensorflow/tfjs-backend-wasm') | null; wasmError: string }> | null = null;

/** Imports tfjs once (quietly: prod mode turns off its Node banner and debug checks). */
function load(): NonNullable<typeof loaded> {
  loaded ??= (async () => {
    const tf = (await import('@tensorflow/tfjs')) as Tf;
    tf.enableProdMode();
    let wasm = null;
    let wasmError = '';
    try {
      wasm = await import('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      wasmError = e instanceof Error ? e.message : String(e);
    }
    return { tf, wasm, wasmError };
  })();
  return loaded;
}

function prepare(tf: Tf, spec: CaseSpec, inputs: CaseInputs): Prepared {
  if (spec.kind === 'conv2d') return prepareConv(tf, spec, inputs);
  if (spec.kind === 'train' || spec.kind === 'infer') return prepareTfjsModelCase(tf, spec, inputs);
  const ins = spec.inputs.map((s) => {
    const v = input(inputs, s.name);
    return tf.tensor(v.data, [...v.spec.shape], 'float32');
  });
  const [a, b] = ins;
  let op: () => Tensor;
  switch (spec.kind) {
    case 'matmul':
      op = () => tf.matMul(a, b);
      break;
    case 'add':
    case 'scalarAdd':
      op = () => tf.add(a, b);
      break;
    case 'exp':
      op = () => tf.exp(a);
      break;
    case 'relu':
      op = () => tf.relu(a);
      break;
    case 'softmax':
      op = () => tf.softmax(a, -1);
      break;
    default:
      throw new Error(`tfjs runner: unknown kind '${spec.kind}'`);
  }
  return {
    call: () => op().dispose(),
    outputs: () => {
      const y = op();
      const out = y.dataSync();
      y.dispose();
      return [out];
    },
    dispose: () => tf.dispose(ins),
  };
}

function prepareConv(tf: Tf, spec: CaseSpec, inputs: CaseInputs): Prepared {
  const p = spec.conv!;
  const nhwc = (name: string): TF.Tensor4D => {
    const v = input(inputs, name);
    const [n, c, h, w] = v.spec.shape;
    return tf.tensor4d(nchwToNhwc(v.data, v.spec.shape), [n, h, w, c]);
  };
  const x = nhwc('x'); // (N, H, W, C)
  const wv = input(inputs, 'w');
  const [o, ci, kh, kw] = wv.spec.shape;
  const w = tf.tensor4d(oihwToHwio(wv.data, wv.spec.shape), [kh, kw, ci, o]); // (KH, KW, C, O)
  const b = tf.tensor1d(input(inputs, 'b').data); // (O)
  const dy = p.backward ? nhwc('dy') : null; // (N, OH, OW, O)
  const layer = (xi: TF.Tensor4D, wi: TF.Tensor4D, bi: TF.Tensor1D): Tensor => tf.add(tf.conv2d(xi, wi, p.stride, p.padding), bi);
  // Gradients with respect to (x,) w, b; tf.grads runs in a tidy and keeps only the gradients.
  const grads = p.gradInput
    ? tf.grads((xi, wi, bi) => layer(xi as TF.Tensor4D, wi as TF.Tensor4D, bi as TF.Tensor1D))
    : tf.grads((wi, bi) => layer(x, wi as TF.Tensor4D, bi as TF.Tensor1D));
  const args = p.gradInput ? [x, w, b] : [w, b];
  const run = (): Tensor[] => (p.backward ? grads(args, dy!) : [tf.tidy(() => layer(x, w, b))]);
  return {
    call: () => tf.dispose(run()),
    outputs: () => {
      const outs = run();
      const data = outs.map((t) => t.dataSync());
      tf.dispose(outs);
      return data;
    },
    dispose: () => tf.dispose([x, w, b, ...(dy ? [dy] : [])]),
  };
}

/** One tfjs backend's column: 'tfjs-cpu' or 'tfjs-wasm'. */
export class TfjsRunner implements Runner {
  readonly name: string;
  private tf: Tf | null = null;

  /** `threads` goes to the wasm backend's setThreadsCount (which Node ignores: single-threaded). */
  constructor(
    private readonly backend: 'cpu' | 'wasm',
    private readonly threads: number,
  ) {
    this.name = `tfjs-${backend}`;
  }

  async setup(): Promise<Record<string, string | number>> {
    const { tf, wasm, wasmError } = await load();
    const info: Record<string, string | number> = { version: tf.version.tfjs };
    if (this.backend === 'wasm') {
      if (wasm === null) throw new Error(`@tensorflow/tfjs-backend-wasm failed to load: ${wasmError}`);
      wasm.setThreadsCount(this.threads);
      if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
      info.simd = String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      info['multithread support'] = String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      info['threads requested'] = this.threads;
      info.threads = wasm.getThreadsCount();
    } else {
      if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') failed");
      info.threads = '1 (plain JavaScript)';
    }
    this.tf = tf;
    return info;
  }

  async run(spec: CaseSpec, inputs: CaseInputs, policy: TimingPolicy): Promise<Result> {
    const tf = this.tf!;
    // Both tfjs columns share one engine; select this column's backend for the case.
    if (tf.getBackend() !== this.backend) await tf.setBackend(this.backend);
    return timePrepared(
      () => prepare(tf, spec, inputs),
      policy,
      () => tf.memory().numTensors,
    );
  }

  async close(): Promise<void> {}
}
