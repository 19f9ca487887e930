// `tessera train <config>`: checks the whole config, loads the data, builds the model, optimizer and
// schedule (all before the first step, so mistakes cost nothing), trains with a progress display on
// stderr, evaluates on the test split, and saves the model with metadata that `evaluate`, `predict`
// and `info` read back.

import { type LRScheduler, type Module, manualSeed, type Optimizer, type ReduceLROnPlateau } from '../index.js';
import type { Callback } from '../train/index.js';
import { intOption, parseCommand } from './args.js';
import { parseTrainConfig, type TrainConfig } from './config.js';
import { type LoadedData, loadData, type Split, sourceToString } from './data.js';
import { ConfigError, inFile } from './errors.js';
import { formatMetrics, packageVersion, print } from './format.js';
import { TRAIN_HELP } from './help.js';
import { readConfigFile } from './load.js';
import { buildModel, checkModelFits, type DataShape } from './model.js';
import { buildOptimizer, buildSchedule } from './optim.js';
import { CLASSIFICATION_LOSSES } from './vocabulary.js';

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
      },
      positionals: ['<config>'],
    },
    argv,
  );
  if (args.help) return print(TRAIN_HELP);
  const overrides = {
    epochs: intOption('train', 'epochs', args.values.epochs, 1),
    output: args.values.output as string | undefined,
    seed: intOption('train', 'seed', args.values.seed, 0),
  };
  const file = await readConfigFile(args.positionals[0]);
  const config = parseTrainConfig(file.raw, { name: file.name, file: file.file, overrides });
  const quiet = args.values.quiet === true;
  const say = (text: string) => quiet || process.stderr.write(`${text}\n`);

  let prepared: Prepared;
  try {
    prepared = await prepare(config, say);
  } catch (err) {
    throw inFile(err, file.file);
  }
  const { data, train: trainSplit, shape, model, optimizer, schedule } = prepared;
  say(describeRun(config, data, model));
  if (args.values['dry-run']) return print(`Config ${file.file} is valid; --dry-run: nothing trained.`);

  const train = await import('../train/index.js');
  const callbacks: Callback[] = [];
  const cb = config.callbacks;
  if (schedule !== undefined) {
    const interval = config.schedule?.type === 'onecycle' ? 'batch' : 'epoch';
    callbacks.push(
      new train.LearningRateScheduler(schedule, { interval, monitor: config.schedule?.options.monitor as string | undefined }),
    );
  }
  if (cb.earlyStopping !== undefined) callbacks.push(new train.EarlyStopping({ ...cb.earlyStopping, verbose: quiet ? 0 : 1 }));
  if (cb.checkpoint !== undefined)
    callbacks.push(
      new train.ModelCheckpoint(cb.checkpoint.dir, { monitor: cb.checkpoint.monitor, saveBestOnly: cb.checkpoint.saveBestOnly }),
    );
  if (cb.csvLogger !== undefined) callbacks.push(new train.CSVLogger(cb.csvLogger));
  if (cb.jsonLogger !== undefined) callbacks.push(new train.JSONLogger(cb.jsonLogger));
  const trainer = new train.Trainer(model, {
    optimizer,
    loss: config.loss,
    metrics: config.metrics,
    clipGradNorm: config.optimizer.clipGradNorm,
  });
  const started = performance.now();
  const history = await trainer.fit(trainSplit.x, trainSplit.y, {
    epochs: config.epochs,
    batchSize: config.data.batchSize,
    shuffle: config.data.shuffle,
    seed: config.data.seed,
    validationSplit: config.data.validationSplit > 0 ? config.data.validationSplit : undefined,
    callbacks,
    verbose: quiet ? 0 : process.stderr.isTTY ? 1 : 2, // progress on stderr: a bar on a terminal, else a line per epoch
  });
  const seconds = (performance.now() - started) / 1000;
  const final = lastEpoch(history.history);
  let test: Record<string, number> | undefined;
  if (config.test && data.test !== undefined) {
    test = await trainer.evaluate(data.test.x, data.test.y, { batchSize: Math.max(256, config.data.batchSize), verbose: 0 });
  }
  await train.saveModel(model, config.output, { metadata: metadata(config, data, shape, final, test, await packageVersion()) });
  const epochsRun = Object.values(history.history)[0]?.length ?? 0;
  const lines = [
    `Trained ${epochsRun} epoch${epochsRun === 1 ? '' : 's'} in ${seconds.toFixed(1)} s`,
    `train: ${formatMetrics(pick(final, false))}`,
  ];
  const val = pick(final, true);
  if (Object.keys(val).length > 0) lines.push(`validation: ${formatMetrics(val)}`);
  if (test !== undefined) lines.push(`test: ${formatMetrics(test)} (${data.test?.x.shape[0]} samples)`);
  lines.push(`Saved the model to ${config.output}`);
  return print(lines.join('\n'));
}

/** The data, model, optimizer and schedule of a run, all checked. */
interface Prepared {
  data: LoadedData;
  train: Split;
  shape: DataShape;
  model: Module;
  optimizer: Optimizer;
  schedule?: LRScheduler | ReduceLROnPlateau;
}

/** Loads the data and builds everything, so that whatever is wrong with the config shows before training. */
async function prepare(config: TrainConfig, say: (text: string) => void): Promise<Prepared> {
  manualSeed(config.seed);
  const known = staticShape(config);
  let model = known === null ? null : buildModel(config.model, known); // before loading: layer errors come first
  say(`Loading ${sourceToString(config.data.source)}...`);
  const data = await loadData(config.data.source, { flatten: config.data.flatten, classes: config.data.classes });
  const train = data.train;
  if (train === undefined) throw new ConfigError([`config.data: ${sourceToString(config.data.source)} has no training split`]);
  const shape: DataShape = { sampleShape: train.x.shape.slice(1), numClasses: data.numClasses };
  model ??= buildModel(config.model, shape);
  checkModelFits(model, shape, CLASSIFICATION_LOSSES.includes(config.loss));
  const optimizer = buildOptimizer(config.optimizer, model.parameters());
  const stepsPerEpoch = Math.ceil(Math.floor(train.x.shape[0] * (1 - config.data.validationSplit)) / config.data.batchSize); // as fit splits
  const schedule =
    config.schedule === undefined ? undefined : buildSchedule(config.schedule, optimizer, { epochs: config.epochs, stepsPerEpoch });
  return { data, train, shape, model, optimizer, schedule };
}

/** One sample's shape and the class count when known without reading the data (the Fashion-MNIST sources). */
function staticShape(config: TrainConfig): DataShape | null {
  if (config.data.source.kind === 'idx') return null;
  return { sampleShape: config.data.flatten ? [784] : [1, 28, 28], numClasses: config.data.classes?.length ?? 10 };
}

function describeRun(config: TrainConfig, data: LoadedData, model: Module): string {
  const n = data.train?.x.shape[0] ?? 0;
  const val = n - Math.floor(n * (1 - config.data.validationSplit));
  const counts = [`${n - val} training`, ...(val > 0 ? [`${val} validation`] : []), ...(data.test ? [`${data.test.x.shape[0]} test`] : [])];
  const sample = data.train?.x.shape.slice(1).join(', ');
  const o = config.optimizer;
  const options = Object.entries(o.options).map(([k, v]) => ` ${k} ${JSON.stringify(v)}`);
  const schedule = config.schedule ? `, schedule ${config.schedule.type}` : '';
  return [
    `Data: ${data.origin}: ${counts.join(', ')} samples of shape [${sample}], ${data.numClasses} classes`,
    `Model:\n${model.toString()}`,
    `Optimizer: ${o.type} lr ${o.lr}${options.join('')}${schedule}; loss ${config.loss}; ${config.epochs} epochs of batch ${config.data.batchSize}`,
  ].join('\n');
}

/** The last value of every history entry. */
function lastEpoch(history: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(history).map(([k, v]) => [k, v[v.length - 1]]));
}

/** The validation (val_ prefix removed) or training entries of epoch logs, without the learning rate. */
function pick(logs: Record<string, number>, validation: boolean): Record<string, number> {
  const entries = Object.entries(logs).filter(([k]) => k !== 'learning_rate' && k.startsWith('val_') === validation);
  return Object.fromEntries(entries.map(([k, v]) => [validation ? k.slice(4) : k, v]));
}

/** What `tessera evaluate`, `predict` and `info` read back from model.json. */
function metadata(
  config: TrainConfig,
  data: LoadedData,
  shape: DataShape,
  final: Record<string, number>,
  test: Record<string, number> | undefined,
  version: string,
) {
  const json = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));
  return json({
    createdBy: `tessera ${version} (tessera train)`,
    createdAt: new Date().toISOString(),
    inputShape: shape.sampleShape,
    classes: data.classes,
    loss: config.loss,
    metrics: config.metrics,
    data: { source: config.data.source, flatten: config.data.flatten },
    results: { final, test },
    config,
  });
}
