// TensorFlow.js's side of the model cases (bench/training.ts): the same network as tf.layers, in
// tfjs's native layouts (NHWC input, HWIO filters, (in, out) dense kernels; the shared initial
// weights are permuted once, outside timing), trained with tf.variableGrads + tf.train.adam (what
// optimizer.minimize does, keeping the gradients for the checksum). Everything is disposed.

import type * as TF from '@tensorflow/tfjs';
import type { CaseSpec } from '../cases.js';
import { type CaseInputs, input, nchwToNhwc, oihwToHwio } from '../data.js';
import type { Prepared } from '../runner.js';
import { type Arch, CLASSES, paramInput, paramSpecs } from '../training.js';

type Tf = typeof TF;

/** The network of `arch` as a tf.Sequential on (N, 784) or NHWC (N, 28, 28, 1) input. */
function buildModel(tf: Tf, arch: Arch): TF.Sequential {
  if (arch === 'mlp') {
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
        tf.layers.dense({ units: 128, activation: 'relu' }),
        tf.layers.dense({ units: CLASSES }),
      ],
    });
  }
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }), // (N, 26, 26, 32)
      tf.layers.maxPooling2d({ poolSize: 2 }), // (N, 13, 13, 32)
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), // (N, 11, 11, 64)
      tf.layers.maxPooling2d({ poolSize: 2 }), // (N, 5, 5, 64)
      tf.layers.flatten(), // (N, 1600) in (H, W, C) order
      tf.layers.dense({ units: CLASSES }),
    ],
  });
}

/** (O, I) -> (I, O). */
function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/**
 * The CNN's last dense kernel: PyTorch's weight (10, 1600) reads the flattened (C, H, W) = (64, 5, 5)
 * features, tfjs's kernel (1600, 10) reads (H, W, C): row (h * 5 + w) * 64 + c = column c * 25 + h * 5 + w.
 */
function chwDenseToHwc(data: Float32Array, out: number, c: number, hw: number): Float32Array {
  const k = new Float32Array(data.length);
  for (let o = 0; o < out; o++)
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) k[(p * c + ch) * out + o] = data[o * c * hw + ch * hw + p];
  return k;
}

/** The shared initial weights in tfjs's layout, as [kernel, bias] per layer. */
function tfjsWeights(tf: Tf, arch: Arch, inputs: CaseInputs): TF.Tensor[][] {
  const specs = paramSpecs(arch);
  const layers: TF.Tensor[][] = [];
  for (let i = 0; i < specs.length; i += 2) {
    const w = specs[i];
    const wd = input(inputs, paramInput(w.name)).data;
    const bias = tf.tensor1d(input(inputs, paramInput(specs[i + 1].name)).data);
    let kernel: TF.Tensor;
    if (w.shape.length === 4) {
      const [o, ci, kh, kw] = w.shape;
      kernel = tf.tensor4d(oihwToHwio(wd, w.shape), [kh, kw, ci, o]);
    } else {
      const [o, fin] = w.shape;
      const data = arch === 'cnn' && fin === 1600 ? chwDenseToHwc(wd, o, 64, 25) : transpose2d(wd, o, fin);
      kernel = tf.tensor2d(data, [fin, o]);
    }
    layers.push([kernel, bias]);
  }
  return layers;
}

/** A model case made ready in tfjs (on whichever backend is active). */
export function prepareTfjsModelCase(tf: Tf, spec: CaseSpec, inputs: CaseInputs): Prepared {
  const m = spec.model!;
  const model = buildModel(tf, m.arch);
  const weighted = model.layers.filter((l) => l.getWeights().length > 0);
  const weights = tfjsWeights(tf, m.arch, inputs);
  for (const [i, l] of weighted.entries()) l.setWeights(weights[i]);
  tf.dispose(weights.flat());
  const xs = input(inputs, 'x');
  const x = m.arch === 'mlp' ? tf.tensor2d(xs.data, [m.batch, 784]) : tf.tensor4d(nchwToNhwc(xs.data, xs.spec.shape), [m.batch, 28, 28, 1]);

  if (!m.train) {
    const forward = (): TF.Tensor => model.predict(x) as TF.Tensor; // (1, 10)
    return {
      call: () => forward().dispose(),
      outputs: () => {
        const y = forward();
        const out = y.dataSync();
        y.dispose();
        return [out];
      },
      dispose: () => {
        x.dispose();
        model.dispose();
      },
    };
  }

  const labels = tf.tensor1d(Int32Array.from(input(inputs, 'y').data), 'int32');
  const onehot = tf.oneHot(labels, CLASSES).toFloat(); // (B, 10)
  labels.dispose();
  const optimizer = tf.train.adam(m.lr, 0.9, 0.999, 1e-8);
  const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
  const loss = (): TF.Scalar => tf.losses.softmaxCrossEntropy(onehot, model.apply(x, { training: true }) as TF.Tensor) as TF.Scalar;
  /** One training step; returns the loss and gradients (the caller disposes them). */
  const step = (): TF.Tensor[] => {
    const { value, grads } = tf.variableGrads(loss, vars);
    optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
    return [value, ...Object.values(grads)];
  };
  return {
    call: () => tf.dispose(step()),
    outputs: () => {
      const outs = step();
      const data = outs.map((t) => t.dataSync());
      tf.dispose(outs);
      return data;
    },
    dispose: () => {
      tf.dispose([x, onehot]);
      optimizer.dispose();
      model.dispose();
    },
  };
}
