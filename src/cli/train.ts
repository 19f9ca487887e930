// `tessera train <config> [--resume [DIR]]`: checks the whole config, loads the data, builds the
// model, optimizer and schedule (all before the first step, so mistakes cost nothing), trains with a
// progress display on stderr while keeping a resumable checkpoint (resume.ts), evaluates on the test
// split, and saves the model with metadata that `evaluate`, `predict` and `info` read back: the
// epoch whose weights were saved and their metrics. Tables are preprocessed by the config's
// pipeline, fitted on the training rows only and saved inside the model, so `predict` applies the
// same steps to raw rows.

import { manualSeed } from '../core/random.js';
import type { Table } from '../data/table.js';
import type { ClassWeight, History, Trainer } from '../train/index.js';
import { intOption, parseCommand } from './args.js';
import { parseTrainConfig, type TrainConfig } from './config.js';
import { loadData, sourceToString } from './data.js';
import { adapterName, deviceOption, openDevice } from './device.js';
import { ConfigError, inFile } from './errors.js';
import { formatMetrics, packageVersion, print } from './format.js';
import { TRAIN_HELP } from './help.js';
import { readConfigFile } from './load.js';
import { buildModel, type DataShape } from './model_config.js';
import { describePreprocessing } from './preprocessing.js';
import { dataFingerprint, hasCheckpoint, type RunRecord, resumeDir, resumeRun, runCheckpoint } from './resume.js';
import { buildParts, fitOptions, makeTrainer, type RunData, type RunParts, resolveClassWeight, tabularRun } from './run.js';
import { loadTabular, type Split, type TabularData, targetTensor } from './tabular.js';
import { BINARY_LOSSES } from './vocabulary.js';

/** Runs `tessera train`; returns the exit code. */
export async function trainCommand(argv: string[]): Promise<number> {
  const args = parseCommand(
    {
      command: 'train',
      options: {
        epochs: { type: 'string' },
        output: { type: 'string' },
        seed: { type: 'string' },
        'dry-run': { type: 'boolean' },
        quiet: { type: 'boolean' },
        resume: { type: 'string' },
        device: { type: 'string' },
      },
      positionals: ['<config>'],
      optionalValue: ['resume'],
    },
    argv,
  );
  if (args.help) return print(TRAIN_HELP);
  const overrides = {
    epochs: intOption('train', 'epochs', args.values.epochs, 1),
    output: args.values.output as string | undefined,
    seed: intOption('train', 'seed', args.values.seed, 0),
    device: deviceOption('train', args.values.device),
  };
  const file = await readConfigFile(args.positionals[0]);
  const config = parseTrainConfig(file.raw, { name: file.name, file: file.file, overrides });
  const quiet = args.values.quiet === true;
  const say = (text: string) => quiet || process.stderr.write(`${text}\n`);
  const device = await openDevice(config.device, args.values.device === undefined ? 'config.device' : '--device'); // before the data: a missing GPU fails at once

  let prepared: Prepared;
  try {
    prepared = await prepare(config, say);
  } catch (err) {
    throw inFile(err, file.file);
  }
  const { run, parts, test } = prepared;
  parts.model.to(device); // built and seeded on the CPU: the same initial weights on every device
  say(describeRun(config, prepared));
  if (device.name !== 'cpu') say(`Device: ${device.name}${adapterName(device) === null ? '' : ` (${adapterName(device)})`}`);
  if (args.values['dry-run']) return print(`Config ${file.file} is valid; --dry-run: nothing trained.`);

  const resume = args.values.resume as string | undefined; // '' for --resume without a folder
  const { trainer, callbacks } = await makeTrainer(config, parts, { quiet, files: true, resume: resume !== undefined });
  const record: RunRecord = { config: JSON.parse(JSON.stringify(config)), data: await dataFingerprint(run) };
  callbacks.push(...(await runCheckpoint(config, record))); // last: it saves the other callbacks' state too
  let resumed = '';
  if (resume !== undefined) {
    const dir = await resumeDir(resume, config);
    const info = await resumeRun(dir, trainer, config, record);
    const mid = info.midEpoch > 0 ? ` and ${info.midEpoch} batch${info.midEpoch === 1 ? '' : 'es'} of epoch ${info.epoch + 1}` : '';
    resumed = `Resumed from ${dir}: ${info.epoch} epoch${info.epoch === 1 ? '' : 's'}${mid} done (step ${info.step})`;
    say(resumed);
  } else if (config.checkpoint !== null && (await hasCheckpoint(config.checkpoint.dir))) {
    say(
      `Note: ${config.checkpoint.dir} holds the checkpoint of an earlier run; this run starts afresh and replaces it (--resume continues it)`,
    );
  }
  const started = performance.now();
  const verbose = quiet ? 0 : process.stderr.isTTY ? 1 : 2; // progress on stderr: a bar on a terminal, else a line per epoch
  const history = await trainer.fit(run.train.x, run.train.y, fitOptions(config, run, callbacks, verbose, prepared.classWeight));
  const seconds = (performance.now() - started) / 1000;
  // everything below describes the weights the model holds now (EarlyStopping may have put back an earlier epoch's)
  const weights = weightsOf(history);
  let results: Record<string, number> | undefined;
  if (config.test && test !== undefined) results = await evaluateTest(trainer, config, test);
  const { saveModel } = await import('../train/index.js');
  const meta = metadata(config, prepared, weights, results, await packageVersion());
  await saveModel(parts.model, config.output, { metadata: meta, ...(run.pipeline === undefined ? {} : { preprocessing: run.pipeline }) });
  const lines = [
    ...(resumed === '' ? [] : [resumed]),
    `Trained ${weights.epochsRun} epoch${weights.epochsRun === 1 ? '' : 's'} in ${seconds.toFixed(1)} s${resumed === '' ? '' : ' (this process)'}`,
  ];
  if (weights.restored) {
    lines.push(`Kept the weights of epoch ${weights.epoch} (restored by early stopping); the metrics below are of these weights`);
  }
  lines.push(`train: ${formatMetrics(pick(weights.final, false))}`);
  const val = pick(weights.final, true);
  if (Object.keys(val).length > 0) lines.push(`validation: ${formatMetrics(val)}`);
  if (results !== undefined && test !== undefined) lines.push(`test: ${formatMetrics(results)} (${test.x.shape[0]} samples)`);
  lines.push(`Saved the model to ${config.output} (the weights of epoch ${weights.epoch})`);
  return print(lines.join('\n'));
}

/** Which epoch's weights the model holds after fit (counted from 1, as printed) and their metrics. */
interface WeightsRecord {
  /** The epoch, counted from 1. */
  epoch: number;
  /** Epochs trained in all (with resumed ones). */
  epochsRun: number;
  /** True when EarlyStopping put back an earlier epoch's weights. */
  restored: boolean;
  /** That epoch's training metrics as logged, and its validation ones recomputed on the weights. */
  final: Record<string, number>;
}

function weightsOf(history: History): WeightsRecord {
  return {
    epoch: history.weightsEpoch + 1,
    epochsRun: history.epoch.length,
    restored: history.restoredEpoch !== null,
    final: history.weightsLogs,
  };
}

async function evaluateTest(trainer: Trainer, config: TrainConfig, test: Split): Promise<Record<string, number>> {
  return trainer.evaluate(test.x, test.y, { batchSize: Math.max(256, config.data.batchSize), verbose: 0 });
}

/** The data, model, optimizer and schedule of a run, all checked. */
interface Prepared {
  /** Where the data came from, for messages. */
  origin: string;
  run: RunData;
  parts: RunParts;
  test?: Split;
  classWeight?: ClassWeight;
  /** Tables: what was loaded (for the metadata). */
  tabular?: TabularData;
}

/** Loads the data and builds everything, so that whatever is wrong with the config shows before training. */
async function prepare(config: TrainConfig, say: (text: string) => void): Promise<Prepared> {
  manualSeed(config.seed);
  const source = config.data.source;
  const tab = config.data.tabular;
  if (tab !== undefined) {
    say(`Loading ${sourceToString(source)}...`);
    const checks = { preprocessing: config.preprocessing, classWeight: config.classWeight };
    const data = await loadTabular(source as Parameters<typeof loadTabular>[0], tab, config.data.seed, checks);
    const run = tabularRun(config, data, data.table, config.data.seed);
    const parts = buildParts(config, run.shape, run.train.x.shape[0]);
    const test = data.test === null ? undefined : testSplit(config, data, run, data.test);
    const classWeight = await resolveClassWeight(config, run.classes, run.classes?.length ?? 0, run.train.y);
    return { origin: data.origin, run, parts, test, classWeight, tabular: data };
  }
  const known = staticShape(config);
  const model = known === null ? undefined : buildModel(config.model, known); // before loading: layer errors come first
  say(`Loading ${sourceToString(source)}...`);
  const data = await loadData(source, { flatten: config.data.flatten, classes: config.data.classes });
  const train = data.train;
  if (train === undefined) throw new ConfigError([`config.data: ${sourceToString(source)} has no training split`]);
  const shape: DataShape = { sampleShape: train.x.shape.slice(1), numClasses: data.numClasses };
  const run: RunData = { train, classes: data.classes, shape };
  const parts = buildParts(config, shape, train.x.shape[0], model);
  const classWeight = await resolveClassWeight(config, data.classes, data.numClasses, train.y);
  return { origin: data.origin, run, parts, test: data.test, classWeight };
}

/** The test rows through the run's fitted pipeline. */
function testSplit(config: TrainConfig, data: TabularData, run: RunData, rows: Table): Split {
  const pipeline = run.pipeline;
  if (pipeline === undefined) throw new Error('testSplit: the run has no pipeline');
  return { x: pipeline.toTensor(rows), y: targetTensor(data, rows, BINARY_LOSSES.includes(config.loss)) };
}

/** One sample's shape and the class count when known without reading the data (the Fashion-MNIST sources). */
function staticShape(config: TrainConfig): DataShape | null {
  if (config.data.source.kind !== 'builtin' && config.data.source.kind !== 'fashion-mnist') return null;
  return { sampleShape: config.data.flatten ? [784] : [1, 28, 28], numClasses: config.data.classes?.length ?? 10 };
}

function describeRun(config: TrainConfig, prepared: Prepared): string {
  const { run, test } = prepared;
  const n = run.train.x.shape[0];
  const images = config.data.tabular === undefined;
  const val = images ? n - Math.floor(n * (1 - config.data.validationSplit)) : (run.validation?.x.shape[0] ?? 0);
  const counts = [
    `${images ? n - val : n} training`,
    ...(val > 0 ? [`${val} validation`] : []),
    ...(test ? [`${test.x.shape[0]} test`] : []),
  ];
  const sample = run.train.x.shape.slice(1).join(', ');
  const o = config.optimizer;
  const options = Object.entries(o.options).map(([k, v]) => ` ${k} ${JSON.stringify(v)}`);
  const schedule = config.schedule ? `, schedule ${config.schedule.type}` : '';
  const what =
    config.data.tabular?.task === 'regression'
      ? `target ${config.data.tabular.target} (regression)`
      : `${run.classes?.length ?? run.shape.numClasses} classes${config.data.tabular ? ` of ${config.data.tabular.target}` : ''}`;
  const lines = [`Data: ${prepared.origin}: ${counts.join(', ')} samples of shape [${sample}], ${what}`];
  if (run.pipeline !== undefined)
    lines.push(`Preprocessing: ${describePreprocessing(run.pipeline)} -> ${run.pipeline.numFeatures} features`);
  if (prepared.classWeight !== undefined) lines.push(`Class weights: ${JSON.stringify(prepared.classWeight)}`);
  lines.push(
    `Model:\n${prepared.parts.model.toString()}`,
    `Optimizer: ${o.type} lr ${o.lr}${options.join('')}${schedule}; loss ${config.loss}; ${config.epochs} epochs of batch ${config.data.batchSize}`,
  );
  return lines.join('\n');
}

/** The validation (val_ prefix removed) or training entries of epoch logs, without the learning rate. */
function pick(logs: Record<string, number>, validation: boolean): Record<string, number> {
  const entries = Object.entries(logs).filter(([k]) => k !== 'learning_rate' && k.startsWith('val_') === validation);
  return Object.fromEntries(entries.map(([k, v]) => [validation ? k.slice(4) : k, v]));
}

/** What `tessera evaluate`, `predict` and `info` read back from model.json. */
function metadata(
  config: TrainConfig,
  prepared: Prepared,
  weights: WeightsRecord,
  test: Record<string, number> | undefined,
  version: string,
) {
  const json = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));
  const { run, tabular } = prepared;
  return json({
    createdBy: `tessera ${version} (tessera train)`,
    createdAt: new Date().toISOString(),
    inputShape: run.shape.sampleShape,
    classes: run.classes,
    loss: config.loss,
    metrics: config.metrics,
    data: { source: config.data.source, ...(tabular === undefined ? { flatten: config.data.flatten } : {}) },
    ...(tabular === undefined
      ? {}
      : {
          task: tabular.task,
          target: tabular.target,
          inputColumns: tabular.schema,
          inputTypes: tabular.types,
          features: run.pipeline?.getFeatureNamesOut(),
        }),
    // epoch: the epoch (from 1) whose weights were saved; final: its metrics (validation recomputed); test: on these weights
    results: { epoch: weights.epoch, epochsRun: weights.epochsRun, restored: weights.restored, final: weights.final, test },
    config,
  });
}
