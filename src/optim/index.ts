/** convkit.optim: optimisers and learning-rate schedulers (torch.optim). */
export { Optimizer } from './optimizer.js';
export type { BaseHyper, ParamGroup, ParamGroupSpec, Params, ParamState, GroupStateDict, OptimizerStateDict } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDHyper, SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamHyper, AdamOptions } from './adam.js';
export { LRScheduler, StepLR, CosineAnnealingLR } from './lr_scheduler.js';
export type { LRSchedulerStateDict, StepLRStateDict, CosineAnnealingLRStateDict } from './lr_scheduler.js';
export { ReduceLROnPlateau } from './plateau.js';
export type { ReduceLROnPlateauOptions, ReduceLROnPlateauStateDict } from './plateau.js';
// tensors from this entry point have their methods (x.sum(), x.tolist()...) even without importing 'convkit'
import '../methods.js';
