// The options of compile, fit and evaluate, as typed configs with their defaults.

import type { Tensor } from '../core/tensor.js';
import type { DataLoaderState } from '../data/dataloader.js';
import type { LRScheduler } from '../optim/decay_lr.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { ReduceLROnPlateau } from '../optim/reduce_lr_on_plateau.js';
import type { Callback } from './callbacks/callback.js';
import type { DataSource } from './fit_data.js';
import type { ClassWeight, LossSpec } from './losses.js';
import type { Metric, MetricState } from './metrics.js';

export interface CompileOptions {
  /** The optimizer, over `model.parameters()`. */
  optimizer: Optimizer;
  /** 'crossEntropy' | 'cross_entropy' | 'mse' | 'mae' | 'l1' | 'bce' | 'bceWithLogits' | 'nll' | 'huber' | 'smoothL1' | 'kl', a function, or a loss module. */
  loss: LossSpec;
  /** Metric names ('accuracy', 'acc', 'top5', 'precision', 'recall', 'f1', 'mae', 'mse') or Metric objects. Default []. */
  metrics?: (string | Metric)[];
  /** A learning-rate schedule stepped by fit; ReduceLROnPlateau is given val_loss (or loss). Default none. */
  scheduler?: LRScheduler | ReduceLROnPlateau;
  /** Step the scheduler after every 'epoch' (default) or every 'batch' (OneCycleLR, warm-ups). */
  schedulerInterval?: 'epoch' | 'batch';
  /** Rescale gradients so that their total norm is at most this, before each step. Default none. */
  clipGradNorm?: number;
}

export interface FitOptions {
  /** The epoch to stop at: epochs run are initialEpoch .. epochs - 1. Default 1. */
  epochs?: number;
  /** Samples per batch (for tensors and datasets; a DataLoader keeps its own). Default 32. */
  batchSize?: number;
  /** Reshuffle the training samples every epoch (tensors and datasets). Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling. Default: drawn from the global generator (see manualSeed). */
  seed?: number;
  /** Hold out this last fraction of the samples (before shuffling) for validation. Default none. */
  validationSplit?: number;
  /** Data to validate on after each epoch: [x, y], a DataLoader or a Dataset. Default none. */
  validationData?: [Tensor, Tensor] | DataSource;
  /** Loss weight per class while training, e.g. { 0: 1, 1: 5 }: sum(w_i * loss_i) / N, as Keras. Default none. */
  classWeight?: ClassWeight;
  /** Callbacks, run in order after the scheduler and the progress bar. Default []. */
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar (plain lines when not a terminal), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** The epoch to start at (to continue a run). Default 0, or the checkpoint's epoch after resumeTraining. */
  initialEpoch?: number;
}

/** Where the next fit continues after `resumeTraining`. */
export interface ResumeState {
  epoch: number;
  loader: DataLoaderState | null;
  history: { epoch: number[]; history: Record<string, number[]> } | null;
  /** A checkpoint taken mid-epoch: the batches of epoch `epoch` already trained, and its running loss and metrics. */
  partial?: EpochProgress | null;
  /** The state of each stateful callback (EarlyStopping, ModelCheckpoint, LearningRateScheduler), by type, in order. */
  callbacks?: CallbackState[];
  /** True when a callback had stopped training (EarlyStopping): the next fit trains no more epochs. */
  stopped?: boolean;
}

/** How far the current epoch has gone: batches trained, and the running loss and metric counts. */
export interface EpochProgress {
  batchesDone: number;
  loss: MetricState;
  /** One per compiled metric, null for a metric without stateDict. */
  metrics: (MetricState | null)[];
}

/** One callback's saved state: its class name and what its stateDict() returned. */
export interface CallbackState {
  type: string;
  state: unknown;
}

export interface EvaluateOptions {
  /** Samples per batch. Default 32. */
  batchSize?: number;
  /** 1: print a progress line. Default 0. */
  verbose?: 0 | 1;
}
