// Training checkpoints of a Trainer: model and optimizer state, scheduler state, epochs completed,
// optimizer steps, the global RNG state and the training loader's position, the history so far, the
// state of the stateful callbacks (early stopping's best weights and patience, the best value of a
// model checkpoint, a schedule's position) and, for a checkpoint taken mid-epoch, the batches of the
// epoch already trained with its running loss and metrics; written by src/io's saveCheckpoint
// (atomic, verified on load). Resuming loads all of it, and the next fit continues where the
// checkpoint was taken: a run stopped after epoch N (or after batch b of an epoch) and resumed ends
// with the same weights, bit for bit, as a run that never stopped.

import { getRngState, setRngState } from '../core/random.js';
import type { DataLoaderState } from '../data/dataloader.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint_files.js';
import { layerToConfig } from '../nn/registry.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';
import { History } from './callbacks/history.js';
import type { CallbackState, EpochProgress, ResumeState, Trainer } from './trainer.js';

export interface TrainingCheckpointOptions {
  /** Epochs completed, where training resumes. Default `trainer.epoch`. */
  epoch?: number;
  /** Anything else to keep (JSON, tensors allowed); resumeTraining returns it. */
  extra?: Record<string, unknown>;
  /** Save NaN or infinite weights and optimizer state too (a diverged run), instead of refusing them. Default false. */
  allowNonFinite?: boolean;
}

export interface ResumeOptions {
  /** Called with the checkpoint's `extra` before anything is loaded into the trainer: throw to refuse it (another run's checkpoint). */
  verify?: (extra: Record<string, unknown>) => void;
}

/** What resumeTraining restored. */
export interface ResumeInfo {
  /** Epochs completed: the next fit starts at this epoch. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  /** The `extra` given when saving ({} if none). */
  extra: Record<string, unknown>;
  /** Batches of epoch `epoch` already trained when the checkpoint was taken mid-epoch (0 at an epoch's end). */
  midEpoch: number;
}

/**
 * Saves everything needed to continue `trainer`'s run into directory `dir` (atomically). Take it
 * between epochs (ModelCheckpoint does, in `last/`), so that resuming continues exactly.
 *
 * @example
 * await trainer.fit(x, y, { epochs: 5 });
 * await saveTrainingCheckpoint('runs/mlp', trainer);  // epoch 5
 */
export async function saveTrainingCheckpoint(dir: string, trainer: Trainer, options: TrainingCheckpointOptions = {}): Promise<string> {
  const epoch = options.epoch ?? trainer.epoch;
  if (epoch === trainer.epoch) await trainer.flushRunning(); // mid-epoch on a GPU: the running loss and counts are still there
  const partial = epoch === trainer.epoch ? trainer.epochProgress() : null;
  const steps = trainer.trainLoader?.length ?? 0;
  if (partial !== null && partial.batchesDone >= steps) {
    throw new Error(
      `saveTrainingCheckpoint: taken after the last batch of an epoch (${partial.batchesDone} of ${steps}) but before the epoch ended; save in onEpochEnd instead`,
    );
  }
  let architecture: unknown = null;
  try {
    architecture = layerToConfig(trainer.model);
  } catch {
    // a model of unregistered layers: the checkpoint still resumes, given the model's code
  }
  return saveCheckpoint(
    dir,
    {
      model: trainer.model.stateDict(),
      optimizer: trainer.optimizer.stateDict(),
      scheduler: trainer.scheduler?.stateDict() ?? null,
      epoch,
      step: trainer.step,
      rng: { global: getRngState(), loader: trainer.trainLoader?.stateDict() ?? null },
      extra: {
        trainer: {
          history: historyUpTo(trainer, epoch),
          architecture,
          partial,
          callbacks: trainer.callbackList?.states() ?? [],
          stopped: partial === null && trainer.stopTraining,
          weightsEpoch: trainer.weightsEpoch,
        },
        user: options.extra ?? {},
      },
    },
    { nonFinite: trainer.model.nonFiniteBuffers().map((n) => `model.${n}`), allowNonFinite: options.allowNonFinite },
  );
}

/**
 * The run's history up to `epoch` epochs. Inside an onEpochEnd hook (ModelCheckpoint), History has
 * not recorded the ending epoch yet (it runs last, as in Keras): its logs are added from the trainer.
 */
function historyUpTo(trainer: Trainer, epoch: number): ResumeState['history'] {
  const h = trainer.history;
  if (h === null) return null;
  const copy = new History();
  copy.epoch = [...h.epoch];
  copy.history = Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, [...v]]));
  const lastRecorded = h.epoch.length > 0 ? h.epoch[h.epoch.length - 1] : -1;
  if (trainer.epochLogs !== null && epoch === trainer.epoch && lastRecorded < epoch - 1) copy.onEpochEnd(epoch - 1, trainer.epochLogs);
  return { epoch: copy.epoch, history: copy.history };
}

/**
 * Loads a checkpoint written by `saveTrainingCheckpoint` (or ModelCheckpoint's `last/`) into a
 * freshly built `trainer` (same architecture, optimizer and scheduler types) and sets the global RNG
 * state; the next `fit` starts at the saved epoch with the loader where it was. Build your
 * DataLoaders (if any) before calling it: an unseeded loader draws its seed from the global RNG.
 *
 * @example
 * const trainer = compile(buildModel(), { optimizer, loss: 'crossEntropy' });
 * const { epoch } = await resumeTraining('runs/mlp/last', trainer);
 * await trainer.fit(x, y, { epochs: 20 }); // runs epochs epoch..19
 */
export async function resumeTraining(dir: string, trainer: Trainer, options: ResumeOptions = {}): Promise<ResumeInfo> {
  const ckpt = await loadCheckpoint(dir);
  options.verify?.((((ckpt.extra ?? {}) as { user?: Record<string, unknown> }).user ?? {}) as Record<string, unknown>);
  const hasScheduler = ckpt.scheduler !== undefined && ckpt.scheduler !== null;
  if (hasScheduler !== (trainer.scheduler !== null)) {
    throw new Error(
      hasScheduler
        ? `resumeTraining: ${dir} holds a learning-rate scheduler's state, but the trainer has none; compile with the same scheduler`
        : `resumeTraining: the trainer has a learning-rate scheduler, but ${dir} holds no scheduler state; compile without it`,
    );
  }
  trainer.model.loadStateDict(ckpt.model);
  if (ckpt.optimizer !== undefined) trainer.optimizer.loadStateDict(ckpt.optimizer as OptimizerStateDict);
  if (hasScheduler) trainer.scheduler?.loadStateDict(ckpt.scheduler as Record<string, unknown>);
  const rng = (ckpt.rng ?? {}) as { global?: number[]; loader?: DataLoaderState | null };
  if (rng.global) setRngState(rng.global);
  const extra = (ckpt.extra ?? {}) as { trainer?: SavedTrainerState; user?: Record<string, unknown> };
  const saved = extra.trainer ?? {};
  const epoch = ckpt.epoch ?? 0;
  trainer.epoch = epoch;
  trainer.step = ckpt.step ?? 0;
  trainer.weightsEpoch = typeof saved.weightsEpoch === 'number' ? saved.weightsEpoch : epoch - 1;
  trainer.resumeState = {
    epoch,
    loader: rng.loader ?? null,
    history: saved.history ?? null,
    partial: saved.partial ?? null,
    callbacks: Array.isArray(saved.callbacks) ? saved.callbacks : [],
    stopped: saved.stopped === true,
  };
  return { epoch, step: trainer.step, extra: extra.user ?? {}, midEpoch: saved.partial ? saved.partial.batchesDone : 0 };
}

/** What saveTrainingCheckpoint keeps about the trainer besides the model, optimizer, scheduler and RNG. */
interface SavedTrainerState {
  history?: ResumeState['history'];
  partial?: EpochProgress | null;
  callbacks?: CallbackState[];
  stopped?: boolean;
  weightsEpoch?: number;
}
