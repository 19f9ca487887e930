// `tessera evaluate <model-dir> [--data <source>]`: the loss and metrics a saved model was trained
// with, and the evaluation metrics of its predictions (classification: accuracy, balanced accuracy,
// macro precision/recall/F1, ROC-AUC, PR-AUC and average precision for binary classifiers, log loss,
// the confusion matrix and the classification report; regression: MAE, MSE, RMSE, R², MAPE), with
// bootstrap confidence intervals (--bootstrap) and charts (--charts).
// `tessera evaluate <config> --cv <k>`: k-fold cross-validation of the config (crossval.ts).

import { stat } from 'node:fs/promises';
import type { Tensor } from '../core/tensor.js';
import type { Table } from '../data/table.js';
import { SGD } from '../optim/sgd.js';
import { intOption, parseCommand } from './args.js';
import type { TrainConfig } from './config.js';
import { type DataSource, loadData, parseSourceArg, sourceToString } from './data.js';
import { deviceOption, openDevice } from './device.js';
import { UsageError } from './errors.js';
import { formatMetrics, print } from './format.js';
import { EVALUATE_HELP } from './help.js';
import { classProbabilities, lastLayer, readModelRows, tableOutputs, taskOf } from './outputs.js';
import { type EvaluationOptions, evaluatePredictions, evaluationJson, evaluationOptions, renderEvaluation } from './report.js';
import { fitInputs, openSavedModel, runModel, type SavedModel } from './saved.js';
import type { Scored } from './scores.js';
import { conformRows, isTableSource } from './table_source.js';
import { loadTabular, type TargetInfo, targetCodes, targetNumbers, targetTensor } from './tabular.js';
import { BINARY_LOSSES } from './vocabulary.js';

/** Runs `tessera evaluate`; returns the exit code. */
export async function evaluateCommand(argv: string[]): Promise<number> {
  const args = parseCommand(
    {
      command: 'evaluate',
      options: {
        data: { type: 'string' },
        'batch-size': { type: 'string' },
        json: { type: 'boolean' },
        bootstrap: { type: 'string' },
        confidence: { type: 'string' },
        seed: { type: 'string' },
        charts: { type: 'string' },
        format: { type: 'string' },
        threshold: { type: 'string' },
        cv: { type: 'string' },
        kfold: { type: 'string' },
        stratified: { type: 'boolean' },
        'group-column': { type: 'string' },
        epochs: { type: 'string' },
        quiet: { type: 'boolean' },
        device: { type: 'string' },
      },
      positionals: ['<model-dir | config>'],
    },
    argv,
  );
  if (args.help) return print(EVALUATE_HELP);
  const v = args.values;
  const options = evaluationOptions(v);
  const target = args.positionals[0];
  const deviceName = deviceOption('evaluate', v.device);
  const info = await stat(target).catch(() => null);
  if (v.cv !== undefined && v.kfold !== undefined) throw new UsageError('--cv and --kfold are the same option; give one', 'evaluate');
  const folds = intOption('evaluate', v.cv !== undefined ? 'cv' : 'kfold', v.cv ?? v.kfold, 2);
  if (folds !== undefined) {
    if (info?.isDirectory())
      throw new UsageError(
        `--cv trains a fresh model per fold from a config; ${target} is a model directory, give its config file`,
        'evaluate',
      );
    if (v.data !== undefined) throw new UsageError("--data is for a saved model; --cv splits the config's own data", 'evaluate');
    const { crossValidateCommand } = await import('./crossval.js');
    return crossValidateCommand(target, {
      ...options,
      folds,
      stratified: v.stratified === true,
      groupColumn: v['group-column'] as string | undefined,
      epochs: intOption('evaluate', 'epochs', v.epochs, 1),
      configSeed: intOption('evaluate', 'seed', v.seed, 0),
      device: deviceName,
      json: v.json === true,
      quiet: v.quiet === true,
    });
  }
  for (const flag of ['stratified', 'group-column', 'epochs'] as const) {
    if (v[flag] !== undefined) throw new UsageError(`--${flag} is an option of cross-validation; add --cv <k>`, 'evaluate');
  }
  if (info?.isFile())
    throw new UsageError(
      `${target} is a file; to cross-validate a config add --cv <k>, to evaluate a model give its directory`,
      'evaluate',
    );
  const batchSize = intOption('evaluate', 'batch-size', v['batch-size'], 1) ?? 256;
  const saved = await openSavedModel(target, 'evaluate');
  saved.model.to(await openDevice(deviceName ?? 'cpu'));
  const run =
    saved.preprocessing === null
      ? await imageRun(saved, v.data as string | undefined, batchSize)
      : await tableRun(saved, v.data as string | undefined);
  const { Trainer } = await import('../train/index.js');
  // evaluate() takes no step, but a Trainer needs an optimizer
  const trainer = new Trainer(saved.model, {
    optimizer: new SGD(saved.model.parameters(), { lr: 0.01 }),
    loss: run.loss,
    metrics: run.metrics,
  });
  const results = await trainer.evaluate(run.x, run.y, { batchSize, verbose: 0 });
  const classes =
    saved.classes ?? Array.from({ length: run.scored.task === 'classification' ? run.scored.numClasses : 0 }, (_, k) => String(k));
  const evaluation = await evaluatePredictions(run.scored, classes, options);
  if (v.json) {
    const head = { model: target, data: run.label, samples: run.x.shape[0], loss: run.loss, results };
    return print(JSON.stringify({ ...head, classes: saved.classes, ...evaluationJson(evaluation, options) }, null, 2));
  }
  for (const w of evaluation.warnings) process.stderr.write(`tessera evaluate: note: ${w}\n`);
  const text = renderEvaluation({ ...evaluation, warnings: [] }, classes, options);
  return print(`Evaluated ${target} on ${run.label} (${run.x.shape[0]} samples)\n${formatMetrics(results)}\n\n${text}`);
}

/** What is evaluated: the model's inputs and targets, its predictions, and its loss and metrics. */
interface EvalRun {
  label: string;
  x: Tensor;
  y: Tensor;
  scored: Scored;
  loss: string;
  metrics: string[];
}

function trainedWith(saved: SavedModel): { loss: string; metrics: string[] } {
  const meta = saved.manifest.metadata;
  const loss = typeof meta.loss === 'string' ? meta.loss : 'crossEntropy';
  const metrics =
    Array.isArray(meta.metrics) && meta.metrics.every((m) => typeof m === 'string') ? (meta.metrics as string[]) : ['accuracy'];
  return { loss, metrics };
}

async function imageRun(saved: SavedModel, data: string | undefined, batchSize: number): Promise<EvalRun> {
  const picked = data === undefined ? undefined : parseSourceArg(data);
  const trained = trainedOn(saved.manifest.metadata);
  if (picked !== undefined && isTableSource(picked.source))
    throw new UsageError(`${saved.dir} takes images; ${data} is a table`, 'evaluate');
  if (picked === undefined && trained === undefined)
    throw new UsageError('missing --data <source>: the model does not record what it was trained on', 'evaluate');
  const { source, split } = picked ?? { source: trained as DataSource, split: 'test' as const };
  const loaded = await loadData(source, { flatten: false });
  const part = loaded[split];
  if (part === undefined) throw new Error(`${sourceToString(source)} has no ${split} split`);
  const label = `${sourceToString(source)}:${split}`;
  const x = fitInputs(part.x, saved.inputShape, label);
  const { values, rowShape } = await runModel(saved.model, x, batchSize);
  if (rowShape.length !== 1) throw new Error(`expected the model to output (N, classes), got rows of shape [${rowShape.join(', ')}]`);
  const { proba, numClasses } = classProbabilities(values, rowShape[0], lastLayer(saved.model));
  const scored: Scored = { task: 'classification', yTrue: Int32Array.from((await part.y.data()) as Int32Array), proba, numClasses };
  return { label, x, y: part.y, scored, ...trainedWith(saved) };
}

async function tableRun(saved: SavedModel, data: string | undefined): Promise<EvalRun> {
  const { loss, metrics } = trainedWith(saved);
  const { table, origin } = data === undefined ? await trainedTestRows(saved) : await readModelRows(saved, data, 'evaluate');
  const targetColumn = saved.tabular?.target;
  if (targetColumn === undefined || targetColumn === null)
    throw new Error(`${saved.dir} does not record its target column (metadata.target), so its labels cannot be read`);
  if (!table.has(targetColumn))
    throw new Error(`${origin} has no column "${targetColumn}": evaluate needs labelled rows (columns: ${table.columnNames.join(', ')})`);
  const { values, width } = await tableOutputs(saved, table);
  const task = taskOf(saved, width);
  const info: TargetInfo = { target: targetColumn, task, classes: saved.classes, origin };
  const x = saved.preprocessing?.toTensor(table) as Tensor;
  const y = targetTensor(info, table, BINARY_LOSSES.includes(loss));
  let scored: Scored;
  if (task === 'regression')
    scored = { task, yTrue: targetNumbers(info, table), pred: Float64Array.from({ length: table.numRows }, (_, i) => values[i * width]) };
  else {
    if (saved.classes === null)
      throw new Error(`${saved.dir} does not record its class names (metadata.classes), so its labels cannot be read`);
    scored = { task, yTrue: targetCodes(info, table), ...classProbabilities(values, width, lastLayer(saved.model)) };
  }
  return { label: origin, x, y, scored, loss, metrics };
}

/** The test rows the model was trained beside: its config's test source, or its testSplit re-drawn with the same seed. */
async function trainedTestRows(saved: SavedModel): Promise<{ table: Table; origin: string }> {
  const data0 = (saved.manifest.metadata.config as { data?: Partial<TrainConfig['data']> } | null | undefined)?.data;
  const missing = `missing --data <rows>: ${saved.dir} was trained without test rows (config.data.test or testSplit)`;
  const tab = data0?.tabular;
  const source = data0?.source;
  if (tab === undefined || source === undefined || !isTableSource(source) || typeof tab.target !== 'string')
    throw new UsageError(missing, 'evaluate');
  if (tab.test === undefined && !(tab.testSplit > 0)) throw new UsageError(missing, 'evaluate');
  const data = await loadTabular(source, tab, data0?.seed ?? 0);
  if (data.test === null) throw new UsageError(missing, 'evaluate');
  const origin = tab.test === undefined ? `${data.origin} (the ${tab.testSplit} test split)` : sourceToString(tab.test);
  return { table: conformRows(data.test, saved.tabular?.inputColumns ?? {}, origin), origin };
}

/** The data source recorded in a model's metadata by `tessera train`, if any. */
function trainedOn(metadata: Record<string, unknown>): DataSource | undefined {
  const source = (metadata.data as { source?: unknown } | undefined)?.source;
  return source !== null && typeof source === 'object' && typeof (source as { kind?: unknown }).kind === 'string'
    ? (source as DataSource)
    : undefined;
}

export type { EvaluationOptions };
