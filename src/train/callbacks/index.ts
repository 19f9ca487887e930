// Training callbacks: the protocol, History, progress display, early stopping, checkpoints,
// resumable training checkpoints, learning-rate scheduling and file loggers.

export { type Callback, CallbackList, type HookResult, type Logs, type TrainingParams } from './callback.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early_stopping.js';
export { History } from './history.js';
export { LearningRateScheduler, type LearningRateSchedulerOptions, type ScheduleFn } from './learning_rate_scheduler.js';
export { CSVLogger, type CSVLoggerOptions, JSONLogger, type JSONLoggerOptions } from './loggers.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model_checkpoint.js';
export { Monitor, type MonitorMode, resolveMode } from './monitor.js';
export { Bar, formatDuration, formatLogs, formatValue, ProgressBar, type ProgressBarOptions, type ProgressStream } from './progress_bar.js';
export { TrainingCheckpoint, type TrainingCheckpointCallbackOptions } from './training_checkpoint.js';
