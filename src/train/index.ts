// tessera/train: Keras-style training (compile, fit, evaluate, predict), streaming metrics,
// callbacks, and the glue that saves and loads whole models and resumable training checkpoints.
//
//   const trainer = compile(model, { optimizer: new Adam(model.parameters()), loss: 'crossEntropy', metrics: ['accuracy'] });
//   await trainer.fit(x, y, { epochs: 10, validationSplit: 0.1, callbacks: [new ModelCheckpoint('runs/mlp')] });
//   await saveModel(model, 'out/mlp'); const again = await loadModel('out/mlp');

export * from './callbacks/index.js';
export { type Average, type ClassificationMetricOptions, F1Score, Precision, Recall } from './classification_metrics.js';
export { type Batches, type DataSource, TensorBatches } from './fit_data.js';
export { type ClassWeight, classWeightTable, LOSS_NAMES, type LossName, type LossSpec, type ResolvedLoss, resolveLoss } from './losses.js';
export { METRIC_NAMES, resolveMetric } from './metric_names.js';
export { Accuracy, type AccuracyOptions, Mean, MeanAbsoluteError, MeanSquaredError, type Metric, TopKAccuracy } from './metrics.js';
export {
  type LoadModelOptions,
  loadArtifact,
  loadModel,
  type ModelArtifact,
  predictTable,
  type SaveModelOptions,
  saveModel,
} from './model_saving.js';
export { type CompileOptions, compile, type EvaluateOptions, type FitOptions, type ResumeState, Trainer } from './trainer.js';
export {
  type ResumeInfo,
  type ResumeOptions,
  resumeTraining,
  saveTrainingCheckpoint,
  type TrainingCheckpointOptions,
} from './trainer_checkpoint.js';
