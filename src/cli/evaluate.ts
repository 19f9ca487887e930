// `tessera evaluate <model-dir> --data <source>`: the loss and metrics of a saved model on a
// dataset, with the loss and metrics it was trained with (from its metadata).

import { SGD } from '../index.js';
import { intOption, parseCommand } from './args.js';
import { type DataSource, loadData, parseSourceArg, sourceToString } from './data.js';
import { UsageError } from './errors.js';
import { formatMetrics, print } from './format.js';
import { EVALUATE_HELP } from './help.js';
import { fitInputs, openSavedModel } from './saved.js';

/** Runs `tessera evaluate`; returns the exit code. */
export async function evaluateCommand(argv: string[]): Promise<number> {
  const args = parseCommand(
    {
      command: 'evaluate',
      options: { data: { type: 'string' }, 'batch-size': { type: 'string' }, json: { type: 'boolean' } },
      positionals: ['<model-dir>'],
    },
    argv,
  );
  if (args.help) return print(EVALUATE_HELP);
  const batchSize = intOption('evaluate', 'batch-size', args.values['batch-size'], 1) ?? 256;
  const dir = args.positionals[0];
  const given = args.values.data as string | undefined;
  const picked = given === undefined ? undefined : parseSourceArg(given);
  const saved = await openSavedModel(dir, 'evaluate');
  const trained = trainedOn(saved.manifest.metadata);
  if (picked === undefined && trained === undefined) {
    throw new UsageError('missing --data <source>: the model does not record what it was trained on', 'evaluate');
  }
  const { source, split } = picked ?? { source: trained as DataSource, split: 'test' as const };
  const data = await loadData(source, { flatten: false });
  const part = data[split];
  if (part === undefined) throw new Error(`${sourceToString(source)} has no ${split} split`);
  const label = `${sourceToString(source)}:${split}`;
  const x = fitInputs(part.x, saved.inputShape, label);
  const meta = saved.manifest.metadata;
  const loss = typeof meta.loss === 'string' ? meta.loss : 'crossEntropy';
  const metrics =
    Array.isArray(meta.metrics) && meta.metrics.every((m) => typeof m === 'string') ? (meta.metrics as string[]) : ['accuracy'];
  const { Trainer } = await import('../train/index.js');
  // evaluate() takes no step, but a Trainer needs an optimizer
  const trainer = new Trainer(saved.model, { optimizer: new SGD(saved.model.parameters(), { lr: 0.01 }), loss, metrics });
  const results = await trainer.evaluate(x, part.y, { batchSize, verbose: 0 });
  if (args.values.json) return print(JSON.stringify({ model: dir, data: label, samples: x.shape[0], loss, results }, null, 2));
  return print(`Evaluated ${dir} on ${label} (${x.shape[0]} samples)\n${formatMetrics(results)}`);
}

/** The data source recorded in a model's metadata by `tessera train`, if any. */
function trainedOn(metadata: Record<string, unknown>): DataSource | undefined {
  const source = (metadata.data as { source?: unknown } | undefined)?.source;
  return source !== null && typeof source === 'object' && typeof (source as { kind?: unknown }).kind === 'string'
    ? (source as DataSource)
    : undefined;
}
