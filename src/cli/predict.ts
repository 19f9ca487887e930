// `tessera predict <model-dir> <input>`: each input's most likely classes and their probabilities
// (or its predicted value, for regression). Models trained on tables take raw rows from a CSV,
// Parquet or JSON file or a SQL query, preprocessed by the pipeline saved with the model; image
// models take a data source (labels shown beside), a JSON file of arrays, or an IDX images file.

import { readFile, stat } from 'node:fs/promises';
import { readIdx, type Tensor, tensor } from '../index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { FileWriteError } from '../io/durable.js';
import { intOption, parseCommand } from './args.js';
import { imagesToTensor, loadData, parseSourceArg, sourceToString } from './data.js';
import { deviceOption, openDevice } from './device.js';
import { UsageError } from './errors.js';
import { csv, print, table } from './format.js';
import { PREDICT_HELP } from './help.js';
import { classProbabilities, lastLayer, readModelRows, tableOutputs, taskOf } from './outputs.js';
import { fitInputs, openSavedModel, runModel, type SavedModel } from './saved.js';
import { predictedClasses } from './scores.js';
import { rowName } from './tabular.js';

/** One input's prediction. */
export interface Prediction {
  index: number;
  /** Classification: the k most likely classes, most likely first (the thresholded class first with --threshold). */
  top?: { class: number; name?: string; probability: number }[];
  /** Regression: the predicted value. */
  value?: number;
  /** The true class (classification) or value (regression), when the input has labels. */
  label?: number;
}

/** What predictCommand computed, before it is printed or written. */
interface Predicted {
  input: string;
  predictions: Prediction[];
  /** Class names by index (classification), when known. */
  classes: readonly string[] | null;
  /** Classification: every class's probability per row (N, K), for --out. */
  proba?: Float64Array;
  numClasses?: number;
  /** Input columns copied into --out (tables, --keep). */
  kept?: Record<string, (string | number | null)[]>;
  /** Rows whose label is no class the model knows: left out of the score, and reported. */
  unknownLabels?: { count: number; first: string };
}

/** Runs `tessera predict`; returns the exit code. */
export async function predictCommand(argv: string[]): Promise<number> {
  const args = parseCommand(
    {
      command: 'predict',
      options: {
        'top-k': { type: 'string' },
        limit: { type: 'string' },
        'batch-size': { type: 'string' },
        threshold: { type: 'string' },
        out: { type: 'string' },
        keep: { type: 'string' },
        json: { type: 'boolean' },
        device: { type: 'string' },
      },
      positionals: ['<model-dir>', '<input>'],
    },
    argv,
  );
  if (args.help) return print(PREDICT_HELP);
  const topK = intOption('predict', 'top-k', args.values['top-k'], 1) ?? 1;
  const limit = intOption('predict', 'limit', args.values.limit, 1);
  const batchSize = intOption('predict', 'batch-size', args.values['batch-size'], 1) ?? 256;
  const threshold = thresholdOption('predict', args.values.threshold);
  const keep = typeof args.values.keep === 'string' ? args.values.keep.split(',').filter((k) => k !== '') : [];
  const [dir, input] = args.positionals;
  const deviceName = deviceOption('predict', args.values.device);
  const saved = await openSavedModel(dir, 'predict');
  saved.model.to(await openDevice(deviceName ?? 'cpu'));
  if (saved.preprocessing === null && keep.length > 0)
    throw new UsageError('--keep copies input columns; this model takes images, not table rows', 'predict');
  const options = { topK, limit, batchSize, threshold, keep };
  const result = saved.preprocessing === null ? await predictImages(saved, input, options) : await predictRows(saved, input, options);
  const out = args.values.out as string | undefined;
  if (out !== undefined) {
    await writeFileAtomic(out, predictionsCsv(result)).catch((e) => {
      throw e instanceof FileWriteError ? new UsageError(`--out: cannot write ${out}: ${e.reason}`, 'predict') : e;
    });
    if (!args.values.json) return print(`Wrote ${result.predictions.length} predictions to ${out}`);
  }
  if (args.values.json) {
    const { predictions, classes } = result;
    const accuracy = summary(result).accuracy;
    const unknownLabels = result.unknownLabels;
    return print(
      JSON.stringify(
        {
          model: dir,
          input: result.input,
          classes,
          predictions,
          ...(accuracy === undefined ? {} : { accuracy }),
          ...(unknownLabels ? { unknownLabels } : {}),
        },
        null,
        2,
      ),
    );
  }
  return print(render(result, topK));
}

interface PredictOptions {
  topK: number;
  limit?: number;
  batchSize: number;
  threshold?: number;
  keep: string[];
}

/** --threshold: a probability in (0, 1). */
export function thresholdOption(command: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = typeof value === 'string' ? Number(value) : Number.NaN;
  if (!(t > 0 && t < 1)) throw new UsageError(`--threshold: expected a probability in (0, 1), got ${JSON.stringify(value)}`, command);
  return t;
}

async function predictRows(saved: SavedModel, input: string, o: PredictOptions): Promise<Predicted> {
  const read = await readModelRows(saved, input, 'predict');
  const rows = o.limit === undefined ? read.table : read.table.slice(0, Math.min(o.limit, read.table.numRows));
  for (const k of o.keep)
    if (!rows.has(k))
      throw new UsageError(`--keep: ${read.origin} has no column "${k}" (columns: ${rows.columnNames.join(', ')})`, 'predict');
  const kept = Object.fromEntries(o.keep.map((k) => [k, Array.from({ length: rows.numRows }, (_, i) => rows.row(i)[k] ?? null)]));
  const { values, width } = await tableOutputs(saved, rows);
  const target = saved.tabular?.target ?? null;
  const truth = target !== null && rows.has(target) ? rows.column(target) : null;
  if (taskOf(saved, width) === 'regression') {
    if (o.threshold !== undefined) throw new UsageError('--threshold needs a binary classifier; this model predicts values', 'predict');
    const predictions = Array.from({ length: rows.numRows }, (_, i): Prediction => {
      const label = truth?.kind === 'number' && !Number.isNaN(truth.values[i]) ? truth.values[i] : undefined;
      return { index: i, value: values[i * width], ...(label === undefined ? {} : { label }) };
    });
    return { input: read.origin, predictions, classes: null, kept };
  }
  const classes = saved.classes;
  const lookup = new Map((classes ?? []).map((c, k) => [c, k]));
  const labels =
    truth === null ? undefined : Array.from({ length: rows.numRows }, (_, i) => lookup.get(String(rows.row(i)[target as string])) ?? -1);
  // a label the model does not know (missing, or a class unseen in training) cannot be scored: counted and reported
  const unknown = labels?.flatMap((k, i) => (k < 0 ? [i] : [])) ?? [];
  const unknownLabels =
    unknown.length === 0
      ? undefined
      : {
          count: unknown.length,
          first: `${rowName(rows, unknown[0])}: ${JSON.stringify(rows.row(unknown[0])[target as string])}`,
        };
  return { ...classify(saved, values, width, o, labels), input: read.origin, kept, ...(unknownLabels ? { unknownLabels } : {}) };
}

async function predictImages(saved: SavedModel, input: string, o: PredictOptions): Promise<Predicted> {
  let { x, y, label } = await readInputs(input);
  x = oneSample(x, saved.inputShape);
  const n = Math.min(x.shape[0], o.limit ?? Number.POSITIVE_INFINITY);
  x = fitInputs(x.narrow(0, 0, n), saved.inputShape, label);
  const { values, rowShape } = await runModel(saved.model, x, o.batchSize);
  if (rowShape.length !== 1) throw new Error(`expected the model to output (N, classes), got rows of shape [${rowShape.join(', ')}]`);
  const labels = y === undefined ? undefined : Array.from((await y.data()) as Int32Array).slice(0, n);
  return { ...classify(saved, values, rowShape[0], o, labels), input: label };
}

/** Top-k classes per row from outputs (N, width); `labels` are true class indices (-1: unknown). */
function classify(saved: SavedModel, values: Float32Array, width: number, o: PredictOptions, labels?: number[]) {
  const { proba, numClasses: k } = classProbabilities(values, width, lastLayer(saved.model));
  if (o.threshold !== undefined && k !== 2)
    throw new UsageError(`--threshold needs a binary classifier; this model has ${k} classes`, 'predict');
  const chosen = predictedClasses(proba, k, o.threshold);
  const predictions = Array.from({ length: chosen.length }, (_, i): Prediction => {
    const row = proba.subarray(i * k, (i + 1) * k);
    const order = [...row.keys()].sort((a, b) => (a === chosen[i] ? -1 : b === chosen[i] ? 1 : row[b] - row[a])).slice(0, o.topK);
    const top = order.map((c) => ({
      class: c,
      ...(saved.classes?.[c] === undefined ? {} : { name: saved.classes[c] }),
      probability: row[c],
    }));
    const label = labels?.[i];
    return { index: i, top, ...(label === undefined || label < 0 ? {} : { label }) };
  });
  return { predictions, classes: saved.classes, proba, numClasses: k };
}

/** Accuracy (classification) or mean absolute error (regression) over the rows with labels. */
function summary(r: Predicted): { accuracy?: number; mae?: number; labelled: number } {
  const labelled = r.predictions.filter((p) => p.label !== undefined);
  if (labelled.length === 0) return { labelled: 0 };
  if (labelled[0].top !== undefined)
    return { accuracy: labelled.filter((p) => p.top?.[0].class === p.label).length / labelled.length, labelled: labelled.length };
  return {
    mae: labelled.reduce((s, p) => s + Math.abs((p.value as number) - (p.label as number)), 0) / labelled.length,
    labelled: labelled.length,
  };
}

function render(r: Predicted, topK: number): string {
  const name = (c: number) => r.classes?.[c] ?? String(c);
  const hasLabels = r.predictions.some((p) => p.label !== undefined);
  const kept = Object.keys(r.kept ?? {});
  const rows = r.predictions.map((p) => [
    String(p.index),
    ...kept.map((k) => String(r.kept?.[k][p.index] ?? '')),
    p.top === undefined
      ? formatNumber(p.value as number)
      : p.top.map((t) => `${name(t.class)} ${(t.probability * 100).toFixed(1)}%`).join(', '),
    ...(!hasLabels
      ? []
      : p.label === undefined
        ? ['']
        : p.top === undefined
          ? [formatNumber(p.label)]
          : [`${name(p.label)}${p.top[0].class === p.label ? '' : '  (wrong)'}`]),
  ]);
  const regression = r.predictions[0]?.top === undefined;
  const header = ['#', ...kept, regression || topK === 1 ? 'prediction' : `top ${topK} predictions`, ...(hasLabels ? ['label'] : [])];
  const s = summary(r);
  const n = s.labelled;
  const tail =
    s.accuracy !== undefined
      ? `\n${Math.round(s.accuracy * n)} of ${n} correct (${(s.accuracy * 100).toFixed(1)}%)`
      : s.mae !== undefined
        ? `\nmean absolute error ${formatNumber(s.mae)} over ${n} labelled rows`
        : '';
  const u = r.unknownLabels;
  const unknown =
    u === undefined
      ? ''
      : `\n${u.count} row${u.count === 1 ? '' : 's'} with a label the model does not know (first: ${u.first}; it knows ${(r.classes ?? []).join(', ')}) left out of the score`;
  return `${table([header, ...rows])}${tail}${unknown}`;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, '');
}

/** The predictions as CSV: row, kept columns, prediction, its probability and every class's (p_<class>), label. */
function predictionsCsv(r: Predicted): string {
  const k = r.numClasses ?? 0;
  const name = (c: number) => r.classes?.[c] ?? String(c);
  const kept = Object.keys(r.kept ?? {});
  const hasLabels = r.predictions.some((p) => p.label !== undefined);
  const classCols = Array.from({ length: k }, (_, c) => `p_${name(c)}`);
  const header = ['row', ...kept, 'prediction', ...(k > 0 ? ['probability', ...classCols] : []), ...(hasLabels ? ['label'] : [])];
  const lines = r.predictions.map((p) => {
    const label = p.label === undefined ? '' : k > 0 ? name(p.label) : p.label;
    const cells: (string | number | null)[] = [p.index, ...kept.map((c) => r.kept?.[c][p.index] ?? null)];
    if (p.top === undefined) cells.push(p.value as number);
    else cells.push(name(p.top[0].class), p.top[0].probability, ...Array.from(r.proba?.subarray(p.index * k, (p.index + 1) * k) ?? []));
    return hasLabels ? [...cells, label] : cells;
  });
  return csv([header, ...lines]);
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
