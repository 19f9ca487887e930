// The Optimizer base class: parameter groups (each with its own hyperparameters), per-parameter
// state created lazily on a parameter's first step, zeroGrad, and the state dict that checkpoints
// save and restore. Each optimizer validates its hyperparameters and implements `update`, the step
// of one parameter: the single place where a fused kernel for that optimizer would slot in.

import { enableGrad, noGrad } from '../core/autograd.js';
import { fmt } from '../core/shape.js';
import { describeValue, Tensor } from '../core/tensor.js';
import { zerosLike } from '../ops/creation.js';
import { clone } from '../ops/elementwise.js';

/** A parameter group as stored by an optimizer: its parameters and every hyperparameter. */
export type ParamGroup<O extends object = Record<string, unknown>> = Required<O> & {
  params: Tensor[];
  lr: number;
  /** The group's learning rate before any schedule (set by the first scheduler attached). */
  initialLr?: number;
};

/** A parameter group as given to an optimizer: hyperparameters left out take the defaults. */
export type ParamGroupSpec<O extends object = Record<string, unknown>> = Partial<O> & { params: Tensor | Iterable<Tensor> };

/** What an optimizer takes: parameters, or parameter groups with their own hyperparameters. */
export type Params<O extends object = Record<string, unknown>> = Tensor | Iterable<Tensor> | Iterable<ParamGroupSpec<O>>;

/** Per-parameter state: tensors of the parameter's shape and numbers (the step count). */
export type ParamState = Record<string, Tensor | number | undefined>;

/** An optimizer's state as saved in a checkpoint: plain data plus state tensors (copies). */
export interface OptimizerStateDict {
  /** State per parameter, keyed by the parameter's index across all groups (in group order). */
  state: Record<number, Record<string, Tensor | number>>;
  /** Each group's hyperparameters, with `params` as indices. */
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/**
 * The base of every optimizer. Subclasses pass their defaults, check each group's hyperparameters
 * in `validate`, and implement `update`, which runs under noGrad for each parameter that has a grad.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * for (const [x, y] of batches) {
 *   opt.zeroGrad();
 *   crossEntropy(model.forward(x), y).backward();
 *   opt.step();
 * }
 */
export abstract class Optimizer<O extends { lr?: number } = { lr?: number }, S extends ParamState = ParamState> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first step. */
  readonly state = new Map<Tensor, S>();
  readonly defaults: Readonly<Required<O>>;

  protected constructor(
    /** The optimizer's name in error messages. */
    readonly name: string,
    params: Params<O>,
    defaults: Required<O>,
  ) {
    this.defaults = defaults;
    const list = params instanceof Tensor ? [params] : [...(params as Iterable<Tensor | ParamGroupSpec<O>>)];
    if (list.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    if (list.every((p) => p instanceof Tensor)) this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupSpec<O>);
    else for (const g of list) this.addParamGroup(g as ParamGroupSpec<O>);
  }

  /** Throws a RangeError naming the first invalid hyperparameter of `group`. */
  protected abstract validate(group: Required<O>): void;

  /** One step of one parameter with gradient `grad` (a plain tensor: this runs under noGrad). */
  protected abstract update(param: Tensor, grad: Tensor, state: S, group: ParamGroup<O>): void;

  /**
   * Moves the state tensors to their parameters' devices now, reading them asynchronously: after
   * `await model.toAsync('cpu')` from a GPU, whose state the next step could not move synchronously.
   * @example await model.toAsync('cpu'); await opt.toAsync(); opt.step();
   */
  async toAsync(): Promise<this> {
    for (const [p, s] of this.state) {
      for (const k in s) {
        const v = s[k];
        if (v instanceof Tensor && v.storage.device !== p.storage.device) (s as ParamState)[k] = await v.toAsync(p.storage.device);
      }
    }
    return this;
  }

  /** Adds a group of parameters with its own hyperparameters (fine-tuning: unfreezing layers). */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    if (spec === null || typeof spec !== 'object' || !('params' in spec)) {
      throw new TypeError(`${this.name}: a parameter group must be an object with 'params', got ${describeValue(spec)}`);
    }
    const params = spec.params instanceof Tensor ? [spec.params] : [...spec.params];
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${this.name}: parameter ${i} of a group is not a Tensor, got ${describeValue(p)}`);
      if (p.dtype !== 'float32') throw new TypeError(`${this.name}: parameters must be float32, got ${p.dtype} (parameter ${i})`);
      if (!p.isLeaf) throw new Error(`${this.name}: can't optimize a non-leaf tensor (parameter ${i}); pass the leaf or detach() it`);
      if (taken.has(p) || params.indexOf(p) !== i) throw new Error(`${this.name}: parameter ${i} appears more than once across the groups`);
    });
    const given = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)); // undefined: the default
    const group = { ...this.defaults, ...given, params } as ParamGroup<O>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /**
   * Updates every parameter that has a gradient. `closure`, when given, re-evaluates the model
   * and returns the loss (run with gradients enabled); step returns what it returns.
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const g = p._grad;
          if (g === null) continue;
          if (g.shape.length !== p.shape.length || g.shape.some((n, i) => n !== p.shape[i])) {
            throw new RangeError(`${this.name}.step: a parameter of shape ${fmt(p.shape)} has a grad of shape ${fmt(g.shape)}`);
          }
          let s = this.state.get(p);
          if (s === undefined) {
            s = {} as S;
            this.state.set(p, s);
          } else followDevice(s, p);
          this.update(p, g, s, group);
        }
      }
    });
    return loss;
  }

  /**
   * Clears every parameter's gradient: drops it (default, like PyTorch 2) or fills it with zeros.
   * A dropped gradient that no code outside tessera was given (through `.grad`) is released at once.
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p._grad;
        if (g === null) continue;
        if (setToNone) p._dropGrad();
        else if (g.gradFn !== null || g.shape.some((n, i) => n > 1 && g.strides[i] === 0)) {
          p._grad = zerosLike(p); // a grad in a graph, or an expanded view that cannot be written
        } else noGrad(() => g.zero_());
      }
    }
  }

  /** A copy of the optimizer's state: JSON-able data plus tensors, parameters named by index. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[k] = copyValue(v);
      const params = g.params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      return { ...packed, params };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const entry: Record<string, Tensor | number> = {};
      for (const [k, v] of Object.entries(s)) if (v !== undefined) entry[k] = v instanceof Tensor ? noGrad(() => clone(v)) : v;
      state[i] = entry;
    }
    return { state, paramGroups };
  }

  /**
   * Restores state saved by `stateDict` (hyperparameters included), checking that the groups,
   * their sizes and the state tensors' shapes match this optimizer's parameters.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (
      dict === null ||
      typeof dict !== 'object' ||
      !Array.isArray(dict.paramGroups) ||
      typeof dict.state !== 'object' ||
      dict.state === null
    ) {
      throw new TypeError(`${where}: expected an object with 'state' and 'paramGroups' (from stateDict()), got ${describeValue(dict)}`);
    }
    const saved = dict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new RangeError(
        `${where}: the state dict has ${saved.length} parameter groups, but the optimizer has ${this.paramGroups.length}`,
      );
    }
    const params = this.paramGroups.flatMap((g) => g.params);
    const groups = saved.map((sg, gi) => {
      const mine = this.paramGroups[gi];
      if (!Array.isArray(sg.params) || sg.params.length !== mine.params.length) {
        throw new RangeError(
          `${where}: parameter group ${gi} has ${sg.params?.length} parameters in the state dict, but ${mine.params.length} here`,
        );
      }
      for (const k of Object.keys(this.defaults)) {
        if (!(k in sg)) throw new RangeError(`${where}: parameter group ${gi} lacks '${k}' (was it saved from a different optimizer?)`);
      }
      const group = { ...copyValue(sg), params: mine.params } as ParamGroup<O>;
      this.validate(group);
      return group;
    });
    const state = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(dict.state)) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= params.length) {
        throw new RangeError(`${where}: state for parameter ${key}, but the optimizer has parameters 0..${params.length - 1}`);
      }
      const p = params[i];
      const s: ParamState = {};
      for (const [k, v] of Object.entries(entry)) {
        if (v instanceof Tensor) {
          if (v.shape.length !== p.shape.length || v.shape.some((n, d) => n !== p.shape[d])) {
            throw new RangeError(
              `${where}: state '${k}' of parameter ${i} has shape ${fmt(v.shape)}, but the parameter has shape ${fmt(p.shape)}`,
            );
          }
          s[k] = noGrad(() => clone(v.to('float32')));
        } else if (typeof v === 'number') s[k] = v;
        else throw new TypeError(`${where}: state '${k}' of parameter ${i} must be a Tensor or a number, got ${describeValue(v)}`);
      }
      state.set(p, s as S);
    }
    this.paramGroups.splice(0, this.paramGroups.length, ...groups);
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }
}

/** A deep copy of plain data (arrays and objects of numbers, strings, booleans). */
function copyValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyValue) as T;
  if (v !== null && typeof v === 'object' && !(v instanceof Tensor)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)])) as T;
  }
  return v;
}

/**
 * Moves the state tensors of `p` to p's device where they are elsewhere (after `module.to`),
 * so the state follows its parameter like PyTorch's optimizers after `load_state_dict`.
 */
function followDevice(s: ParamState, p: Tensor): void {
  const dev = p.storage.device;
  for (const k in s) {
    const v = s[k];
    if (v instanceof Tensor && v.storage.device !== dev) s[k] = v.to(dev);
  }
}

/** The temporaries of an update, released when it returns: see core/lifetime.ts. */
export { withTemps } from '../core/lifetime.js';

// ---- hyperparameter checks, shared by the optimizers ------------------------------------------

/** Throws unless `value` is a number >= 0 (and < 1 when `belowOne`). */
export function checkNonNegative(opt: string, name: string, value: unknown, belowOne = false): void {
  const ok = typeof value === 'number' && value >= 0 && (belowOne ? value < 1 : value < Number.POSITIVE_INFINITY);
  if (!ok) {
    const want = belowOne ? 'in [0, 1)' : 'a non-negative number';
    throw new RangeError(`${opt}: ${name} must be ${want}, got ${typeof value === 'number' ? value : describeValue(value)}`);
  }
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(opt: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new TypeError(`${opt}: ${name} must be true or false, got ${describeValue(value)}`);
}

/**
 * `defaults` overridden by the given `options`, refusing option names the optimizer does not know
 * (a misspelt `weight_decay` in a config file). Options given as undefined keep their default.
 */
export function withDefaults<D extends object>(opt: string, options: unknown, defaults: D): D {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${opt}: options must be an object, got ${describeValue(options)}`);
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (!(k in defaults)) throw new TypeError(`${opt}: unknown option '${k}' (known: ${Object.keys(defaults).join(', ')})`);
    if (v !== undefined) given[k] = v;
  }
  return { ...defaults, ...given };
}
