// Training curves: one panel per metric family, the training values and the validation ones
// (`val_` + name) as two lines in the same panel, each panel with its own y scale. Takes the
// History that fit returns, its `history` record with epochs, or a list of per-epoch logs.
// NaN and infinite values (History pads a metric that appeared late with NaN) are left out.

import { downsampleCurve } from './downsample.js';
import { Chart } from './render.js';
import { type ChartOptions, page } from './spec.js';
import { describe, isArrayLike, numbers, positiveInt } from './validate.js';

/** Per-epoch values by name, with the epoch numbers: `{ epoch: [0, 1], loss: [...], val_loss: [...] }`. */
export type HistoryRecord = { epoch: readonly number[] } & Record<string, readonly number[]>;

/** What `trainingCurvesChart` accepts: a History (`{ history, epoch }`), a HistoryRecord, or a list of per-epoch logs. */
export type TrainingHistory =
  | { history: Record<string, readonly number[]>; epoch: readonly number[] }
  | HistoryRecord
  | readonly Record<string, number>[];

export interface TrainingCurvesOptions extends ChartOptions {
  /** The metric families to draw, in order (e.g. ['loss', 'accuracy']); default all, in the order first logged. */
  metrics?: readonly string[];
  /** Panels per row. Default min(families, 3). */
  columns?: number;
  /** The most points per line (long per-step logs are downsampled). Default 2000. */
  maxPoints?: number;
}

/**
 * Loss and metric curves of a training run, one panel per family ("loss" shows loss and val_loss).
 *
 * @example
 * const history = await trainer.fit(x, y, { epochs: 20, validationSplit: 0.1, metrics: ['accuracy'] });
 * await writeChart(trainingCurvesChart(history), 'runs/curves.svg');   // panels "loss" and "accuracy"
 * trainingCurvesChart([{ loss: 0.9, val_loss: 1.0 }, { loss: 0.5, val_loss: 0.7 }], { metrics: ['loss'] });
 */
export function trainingCurvesChart(history: TrainingHistory, options: TrainingCurvesOptions = {}): Chart {
  const op = 'trainingCurvesChart';
  const { epochs, series } = columnsOf(op, history);
  const families: string[] = [];
  for (const key of series.keys()) {
    const family = key.startsWith('val_') ? key.slice(4) : key;
    if (!families.includes(family)) families.push(family);
  }
  const chosen = chooseFamilies(op, options.metrics, families);
  const columns = options.columns ?? Math.min(chosen.length, 3);
  if (!Number.isInteger(columns) || columns < 1)
    throw new RangeError(`${op}: options.columns must be a positive integer, got ${describe(columns)}`);

  const values: Record<string, unknown>[] = [];
  let longest = 0;
  for (const family of chosen) {
    for (const [key, split] of [
      [family, 'train'],
      [`val_${family}`, 'validation'],
    ]) {
      const ys = series.get(key);
      if (ys === undefined) continue;
      const x: number[] = [];
      const y: number[] = [];
      for (let e = 0; e < ys.length; e++) {
        if (Number.isFinite(ys[e])) {
          x.push(epochs[e]);
          y.push(ys[e]);
        }
      }
      longest = Math.max(longest, x.length);
      for (const i of downsampleCurve(x, y, { maxPoints: options.maxPoints }))
        values.push({ metric: family, split, epoch: x[i], value: y[i] });
    }
  }
  const spec = page(op, options, { title: '' });
  const width = positiveInt(op, 'options.width', options.width, 300);
  const height = positiveInt(op, 'options.height', options.height, 220);
  spec.data = { values };
  spec.facet = { field: 'metric', type: 'nominal', sort: chosen, title: null };
  spec.columns = columns;
  spec.spec = {
    width,
    height,
    mark: { type: 'line', strokeWidth: 2, point: longest <= 40 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
      color: {
        field: 'split',
        type: 'nominal',
        sort: ['train', 'validation'],
        scale: { domain: ['train', 'validation'], range: ['#4c78a8', '#f58518'] },
        legend: { title: null, orient: 'top' },
      },
    },
  };
  spec.resolve = { scale: { y: 'independent', x: 'independent' }, axis: { y: 'independent' } };
  return new Chart(spec);
}

/** The epoch numbers and each named series, validated to the same length. */
function columnsOf(op: string, history: unknown): { epochs: number[]; series: Map<string, Float64Array> } {
  let record: Record<string, unknown>;
  let epochValues: unknown;
  if (Array.isArray(history)) {
    // a list of per-epoch logs
    record = {};
    history.forEach((logs, e) => {
      if (logs === null || typeof logs !== 'object')
        throw new TypeError(`${op}: history[${e}] must be an object of logs, got ${describe(logs)}`);
      for (const [k, v] of Object.entries(logs)) {
        if (k === 'epoch') continue;
        record[k] ??= new Array<number>(history.length).fill(Number.NaN);
        (record[k] as number[])[e] = v as number;
      }
    });
    epochValues = history.map((logs, e) => (typeof logs.epoch === 'number' ? logs.epoch : e));
  } else if (history !== null && typeof history === 'object' && 'history' in history && typeof history.history === 'object') {
    record = history.history as Record<string, unknown>;
    epochValues = (history as { epoch?: unknown }).epoch;
  } else if (history !== null && typeof history === 'object') {
    const { epoch, ...rest } = history as Record<string, unknown>;
    record = rest;
    epochValues = epoch;
  } else {
    throw new TypeError(`${op}: history must be a History, { epoch, loss, ... } or an array of per-epoch logs, got ${describe(history)}`);
  }
  const series = new Map<string, Float64Array>();
  for (const [k, v] of Object.entries(record)) series.set(k, numbers(op, `history.${k}`, v, { allowNaN: true, minLength: 0 }));
  const n = series.size > 0 ? [...series.values()][0].length : 0;
  const epochs =
    epochValues === undefined
      ? Array.from({ length: n }, (_, e) => e)
      : Array.from(numbers(op, 'history.epoch', epochValues, { minLength: 0 }));
  if (series.size === 0 || epochs.length === 0) throw new RangeError(`${op}: history has no epochs to draw (no logged values)`);
  for (const [k, v] of series) {
    if (v.length !== epochs.length) {
      throw new RangeError(
        `${op}: history.${k} has ${v.length} values but there are ${epochs.length} epochs; every series needs one value per epoch`,
      );
    }
  }
  return { epochs, series };
}

function chooseFamilies(op: string, metrics: unknown, available: string[]): string[] {
  if (metrics === undefined) return available;
  if (!isArrayLike(metrics) || metrics.length === 0)
    throw new TypeError(`${op}: options.metrics must be a non-empty array of names, got ${describe(metrics)}`);
  const out: string[] = [];
  for (const m of Array.from(metrics)) {
    const family = typeof m === 'string' && m.startsWith('val_') ? m.slice(4) : m;
    if (typeof family !== 'string' || !available.includes(family)) {
      throw new RangeError(`${op}: options.metrics has ${describe(m)}, which is not in the history; available: ${available.join(', ')}`);
    }
    if (!out.includes(family)) out.push(family);
  }
  return out;
}
