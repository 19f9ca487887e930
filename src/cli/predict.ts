// `tessera predict <model-dir> <input>`: each input's most likely classes and their probabilities,
// from a data source (labels shown beside), a JSON file of arrays, or an IDX images file.

import { readFile, stat } from 'node:fs/promises';
import { readIdx, type Tensor, tensor } from '../index.js';
import { intOption, parseCommand } from './args.js';
import { imagesToTensor, loadData, parseSourceArg, sourceToString } from './data.js';
import { UsageError } from './errors.js';
import { print, table } from './format.js';
import { PREDICT_HELP } from './help.js';
import { fitInputs, openSavedModel, runModel } from './saved.js';

/** One input's prediction. */
export interface Prediction {
  index: number;
  /** The k most likely classes, most likely first. */
  top: { class: number; name?: string; probability: number }[];
  /** The true class, when the input has labels. */
  label?: number;
}

/** Runs `tessera predict`; returns the exit code. */
export async function predictCommand(argv: string[]): Promise<number> {
  const args = parseCommand(
    {
      command: 'predict',
      options: { 'top-k': { type: 'string' }, limit: { type: 'string' }, 'batch-size': { type: 'string' }, json: { type: 'boolean' } },
      positionals: ['<model-dir>', '<input>'],
    },
    argv,
  );
  if (args.help) return print(PREDICT_HELP);
  const topK = intOption('predict', 'top-k', args.values['top-k'], 1) ?? 1;
  const limit = intOption('predict', 'limit', args.values.limit, 1);
  const batchSize = intOption('predict', 'batch-size', args.values['batch-size'], 1) ?? 256;
  const [dir, input] = args.positionals;
  const saved = await openSavedModel(dir, 'predict');
  let { x, y, label } = await readInputs(input);
  x = oneSample(x, saved.inputShape);
  const n = Math.min(x.shape[0], limit ?? Number.POSITIVE_INFINITY);
  x = fitInputs(x.narrow(0, 0, n), saved.inputShape, label);
  const { values, rowShape } = runModel(saved.model, x, batchSize);
  if (rowShape.length !== 1) throw new Error(`expected the model to output (N, classes), got rows of shape [${rowShape.join(', ')}]`);
  const last =
    saved.model
      .modules()
      .filter((m) => m.children().length === 0)
      .at(-1)?.constructor.name ?? '';
  const labels = y === undefined ? undefined : (y.toTypedArray() as Int32Array);
  const predictions = Array.from({ length: n }, (_, i): Prediction => {
    const probs = probabilities(values.subarray(i * rowShape[0], (i + 1) * rowShape[0]), last);
    const order = [...probs.keys()].sort((a, b) => probs[b] - probs[a]).slice(0, topK);
    const top = order.map((c) => ({
      class: c,
      ...(saved.classes?.[c] === undefined ? {} : { name: saved.classes[c] }),
      probability: probs[c],
    }));
    return { index: i, top, ...(labels === undefined ? {} : { label: labels[i] }) };
  });
  const correct = labels === undefined ? undefined : predictions.filter((p) => p.top[0].class === p.label).length;
  if (args.values.json) {
    const accuracy = correct === undefined ? undefined : correct / n;
    return print(JSON.stringify({ model: dir, input: label, predictions, ...(accuracy === undefined ? {} : { accuracy }) }, null, 2));
  }
  const name = (c: number) => saved.classes?.[c] ?? String(c);
  const rows = predictions.map((p) => [
    String(p.index),
    p.top.map((t) => `${name(t.class)} ${(t.probability * 100).toFixed(1)}%`).join(', '),
    ...(p.label === undefined ? [] : [`${name(p.label)}${p.top[0].class === p.label ? '' : '  (wrong)'}`]),
  ]);
  const header = ['#', topK === 1 ? 'prediction' : `top ${topK} predictions`, ...(labels === undefined ? [] : ['label'])];
  const summary = correct === undefined ? '' : `\n${correct} of ${n} correct (${((correct / n) * 100).toFixed(1)}%)`;
  return print(`${table([header, ...rows])}${summary}`);
}

/** Probabilities from one output row: softmax of scores; kept when the model ends in Softmax, exp'd after LogSoftmax. */
export function probabilities(row: Float32Array, lastLayer: string): number[] {
  if (row.length === 1) {
    const p = lastLayer === 'Sigmoid' ? row[0] : 1 / (1 + Math.exp(-row[0]));
    return [1 - p, p];
  }
  if (lastLayer === 'Softmax') return [...row];
  if (lastLayer === 'LogSoftmax') return [...row].map(Math.exp);
  const max = Math.max(...row);
  const exps = [...row].map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** `x` as a batch of one when it holds exactly one sample of the model's input shape (or is 1-D). */
function oneSample(x: Tensor, inputShape: readonly number[] | null): Tensor {
  const size = inputShape?.reduce((a, b) => a * b, 1);
  if (size !== undefined && x.size === size && x.shape[0] !== 1) return x.reshape([1, ...(inputShape as number[])]);
  return x.ndim === 1 ? x.unsqueeze(0) : x;
}

/** The inputs (N, ...), their labels when known, and a description. */
async function readInputs(input: string): Promise<{ x: Tensor; y?: Tensor; label: string }> {
  if (/^(builtin:|fashion-mnist(:|$)|idx:)/.test(input)) {
    const { source, split } = parseSourceArg(input);
    const data = await loadData(source, { flatten: false });
    const part = data[split];
    if (part === undefined) throw new Error(`${sourceToString(source)} has no ${split} split`);
    return { x: part.x, y: part.y, label: `${sourceToString(source)}:${split}` };
  }
  const info = await stat(input).catch(() => null);
  if (info === null || !info.isFile()) {
    throw new UsageError(
      `input ${JSON.stringify(input)} is neither a data source nor a file (expected builtin:..., fashion-mnist..., idx:..., a .json file or an IDX file)`,
      'predict',
    );
  }
  if (input.toLowerCase().endsWith('.json')) return { x: jsonInputs(JSON.parse(await readFile(input, 'utf8')), input), label: input };
  return { x: imagesToTensor(await readIdx(input), input, false), label: input };
}

/** A JSON array of samples (or one sample: see oneSample) as a float32 tensor. */
function jsonInputs(value: unknown, file: string): Tensor {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${file}: expected a non-empty array of samples (arrays of numbers)`);
  let t: Tensor;
  try {
    t = tensor(value as number[]);
  } catch (err) {
    throw new Error(`${file}: expected nested arrays of numbers of one shape: ${(err as Error).message}`);
  }
  return t.dtype === 'float32' ? t : t.to('float32');
}
