// `tessera train --resume [DIR]`: the run's training checkpoint (a TrainingCheckpoint written after
// every epoch and every `checkpoint.everySteps` steps, by default into <output>/checkpoint) holds,
// beside the training state, the config it was trained with and a fingerprint of the training
// data. Resuming rebuilds the run from the config, loads the checkpoint into it and refuses a
// changed config, naming each changed field (only RESUMABLE_CHANGES may differ), or changed data.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '../core/tensor.js';
import type { Callback, ResumeInfo, Trainer } from '../train/index.js';
import { configChanges, RESUMABLE_CHANGES, type TrainConfig } from './config.js';
import { ConfigError, UsageError } from './errors.js';
import type { RunData } from './run.js';

/** What the checkpoint keeps about the run, beside the training state. */
export interface RunRecord {
  /** The config as parsed (defaults filled in). */
  config: unknown;
  /** Rows and SHA-256 of the training (and validation) tensors. */
  data: DataFingerprint;
}

export interface DataFingerprint {
  rows: number;
  sha256: string;
}

/**
 * The callback that keeps the run's checkpoint up to date, recording `config` and `data` in it; none
 * when the config says `checkpoint: false`.
 * @example callbacks.push(...(await runCheckpoint(config, record)));
 */
export async function runCheckpoint(config: TrainConfig, record: RunRecord): Promise<Callback[]> {
  if (config.checkpoint === null) return [];
  const { TrainingCheckpoint } = await import('../train/index.js');
  return [new TrainingCheckpoint(config.checkpoint.dir, { everySteps: config.checkpoint.everySteps, extra: { run: record } })];
}

/**
 * Rows and SHA-256 of the run's training tensors (validation ones included), to tell changed data from the same.
 * @example await dataFingerprint(run) // { rows: 900, sha256: '3f1c...' }
 */
export async function dataFingerprint(run: RunData): Promise<DataFingerprint> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  const add = async (t: Tensor) => {
    const a = await t.data();
    hash.update(`${t.dtype}[${t.shape.join(',')}]`);
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  };
  await add(run.train.x);
  await add(run.train.y);
  if (run.validation !== undefined) {
    await add(run.validation.x);
    await add(run.validation.y);
  }
  return { rows: run.train.x.shape[0], sha256: hash.digest('hex') };
}

/**
 * The checkpoint folder `--resume [DIR]` names: DIR's `checkpoint` folder when DIR is a run's output
 * folder, DIR itself otherwise; without DIR, the config's checkpoint.dir (<output>/checkpoint).
 * @example await resumeDir('', config) // 'runs/quickstart/checkpoint'; resumeDir('runs/quickstart', config) too
 */
export async function resumeDir(arg: string, config: TrainConfig): Promise<string> {
  if (arg === '') {
    if (config.checkpoint === null) {
      throw new UsageError(
        '--resume: this config keeps no checkpoint (checkpoint: false); give the checkpoint folder: --resume <dir>',
        'train',
      );
    }
    return config.checkpoint.dir;
  }
  const inner = join(arg, 'checkpoint');
  return (await isDir(inner)) ? inner : arg;
}

/**
 * Whether `dir` holds a training checkpoint (a folder there; what is in it is checked when resuming).
 * @example if (await hasCheckpoint('runs/quickstart/checkpoint')) say('...');
 */
export function hasCheckpoint(dir: string): Promise<boolean> {
  return isDir(dir);
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Loads the checkpoint in `dir` into `trainer` after checking that it was written by a run of the
 * same config (but for RESUMABLE_CHANGES) on the same data; returns where training goes on.
 * @example const { epoch, midEpoch } = await resumeRun('runs/q/checkpoint', trainer, config, record);
 */
export async function resumeRun(dir: string, trainer: Trainer, config: TrainConfig, record: RunRecord): Promise<ResumeInfo> {
  if (!(await isDir(dir))) {
    throw new Error(
      `--resume: no training checkpoint at ${dir}; a run keeps one in <output>/checkpoint (config.checkpoint.dir) from its first epoch on`,
    );
  }
  const { resumeTraining } = await import('../train/index.js');
  const verify = (extra: Record<string, unknown>) => {
    const saved = (extra as { run?: Partial<RunRecord> }).run;
    if (saved?.config === undefined) {
      throw new Error(
        `--resume: ${dir} is a training checkpoint, but not one of 'tessera train' (it has no config); resume it from its own program`,
      );
    }
    const changes = configChanges(saved.config, config);
    if (changes.length > 0) {
      throw new ConfigError([
        ...changes,
        `resuming needs the config the checkpoint was trained with; only ${RESUMABLE_CHANGES.join(', ')} may change (or start afresh without --resume)`,
      ]);
    }
    const data = saved.data;
    if (data !== undefined && (data.rows !== record.data.rows || data.sha256 !== record.data.sha256)) {
      const rows =
        data.rows === record.data.rows
          ? `the same ${data.rows} rows, other values`
          : `${data.rows} training rows then, ${record.data.rows} now`;
      throw new Error(
        `--resume: the training data is not the data of the checkpoint in ${dir} (${rows}); resume with the same data or start afresh`,
      );
    }
  };
  const info = await resumeTraining(dir, trainer, { verify });
  if (config.epochs < info.epoch) {
    throw new UsageError(`--epochs ${config.epochs}: the checkpoint in ${dir} has already trained ${info.epoch} epochs`, 'train');
  }
  return info;
}
