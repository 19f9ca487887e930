// tessera.optim: optimizers, learning-rate schedules and gradient clipping, PyTorch-style.
//
//   const opt = new AdamW(model.parameters(), { lr: 1e-3 });
//   const sched = new OneCycleLR(opt, { maxLr: 1e-2, totalSteps: 1000 });
//   opt.zeroGrad(); loss.backward(); clipGradNorm(model.parameters(), 1); opt.step(); sched.step();

export type { AdagradOptions, AdagradState } from './adagrad.js';
export { Adagrad } from './adagrad.js';
export type { AdamOptions, AdamState } from './adam.js';
export { Adam, AdamW } from './adam.js';
export type { ClipGradNormOptions } from './clip_grad.js';
export { clipGradNorm, clipGradValue } from './clip_grad.js';
export type { CosineAnnealingLROptions, ExponentialLROptions, MultiStepLROptions, StepLROptions } from './decay_lr.js';
export { CosineAnnealingLR, ExponentialLR, LRScheduler, MultiStepLR, StepLR } from './decay_lr.js';
export type { OneCycleLROptions } from './one_cycle_lr.js';
export { OneCycleLR } from './one_cycle_lr.js';
export type { OptimizerStateDict, ParamGroup, ParamGroupSpec, ParamState, Params } from './optimizer.js';
export { Optimizer } from './optimizer.js';
export type { ReduceLROnPlateauOptions } from './reduce_lr_on_plateau.js';
export { ReduceLROnPlateau } from './reduce_lr_on_plateau.js';
export type { RMSpropOptions, RMSpropState } from './rmsprop.js';
export { RMSprop } from './rmsprop.js';
export type { SequentialLROptions } from './sequential_lr.js';
export { SequentialLR } from './sequential_lr.js';
export type { SGDOptions, SGDState } from './sgd.js';
export { SGD } from './sgd.js';
export type { ConstantLROptions, LinearLROptions } from './warmup_lr.js';
export { ConstantLR, LinearLR } from './warmup_lr.js';
