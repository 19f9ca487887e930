// Module: the base class of every layer and model. Parameters, buffers and sub-modules are
// registered explicitly (no attribute-assignment magic), which gives dotted names (`0.weight`,
// `fc1.bias`), train/eval switching, state dicts that load strictly, and a printable architecture.

import type { Device } from '../backend/device.js';
import { noGrad } from '../core/autograd.js';
import { moveInPlace, moveInPlaceAsync, toDevice } from '../core/exec.js';
import { fmt } from '../core/shape.js';
import { describeValue, Tensor } from '../core/tensor.js';

/** A JSON value, as returned by `getConfig()`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A layer's constructor arguments as plain JSON (Keras' `get_config`). */
export type ConfigValues = { [key: string]: JsonValue };

/** A state dict: dotted name -> tensor (parameters and persistent buffers). */
export type StateDict = Map<string, Tensor>;

export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys. Shape mismatches are refused either way. Default true. */
  strict?: boolean;
}

/** What `loadStateDict` skipped (only non-empty when `strict` is false). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function checkName(kind: string, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new TypeError(`${kind}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  }
}

/**
 * Base class for layers and models, like `torch.nn.Module`. Subclasses register their state in
 * the constructor and implement `forward`.
 *
 * @example
 * class MLP extends Module {
 *   readonly fc1 = this.registerModule('fc1', new Linear(784, 128));
 *   readonly fc2 = this.registerModule('fc2', new Linear(128, 10));
 *   forward(x: Tensor): Tensor { return this.fc2.forward(relu(this.fc1.forward(x))); }
 * }
 * const model = new MLP();
 * model.namedParameters().map(([n]) => n); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export abstract class Module {
  /** True in training mode (the default); switch with `train()` / `eval()`. */
  training = true;
  readonly #params = new Map<string, Tensor | null>();
  readonly #buffers = new Map<string, { tensor: Tensor | null; persistent: boolean; nonFinite: boolean }>();
  readonly #modules = new Map<string, Module>();

  /** The computation. Layers take one tensor; losses take (input, target). */
  abstract forward(...inputs: Tensor[]): Tensor;

  // ---- registration -------------------------------------------------------------------------

  /**
   * Registers a trainable tensor (a float32 leaf; it is switched to `requiresGrad`). `null` records
   * an absent parameter, such as the bias of `Linear(..., { bias: false })`. Returns `value`.
   */
  registerParameter<T extends Tensor | null>(name: string, value: T): T {
    checkName('registerParameter', name);
    if (value !== null) {
      if (!(value instanceof Tensor)) {
        throw new TypeError(`registerParameter: '${name}' must be a Tensor or null, got ${describeValue(value)}`);
      }
      if (value.dtype !== 'float32') throw new TypeError(`registerParameter: '${name}' must be float32, got ${value.dtype}`);
      if (!value.isLeaf) throw new Error(`registerParameter: '${name}' must be a leaf tensor (not computed by an op); pass t.detach()`);
      if (!value.requiresGrad) value.requiresGrad_(true);
    }
    this.#claim(name, 'parameter');
    this.#params.set(name, value);
    return value;
  }

  /**
   * Registers state that is not trained but is saved (unless `persistent` is false), such as
   * BatchNorm's running statistics. `nonFinite: true` declares that it holds NaN or infinities by
   * design (an attention mask of -Infinity): saving and loading then exempt it from the non-finite
   * check that refuses a diverged model. Returns `value`.
   *
   * @example this.mask = this.registerBuffer('mask', causalMask(8), { nonFinite: true }); // (T, T) of 0 and -Infinity
   */
  registerBuffer<T extends Tensor | null>(name: string, value: T, options: { persistent?: boolean; nonFinite?: boolean } = {}): T {
    checkName('registerBuffer', name);
    if (value !== null && !(value instanceof Tensor)) {
      throw new TypeError(`registerBuffer: '${name}' must be a Tensor or null, got ${describeValue(value)}`);
    }
    this.#claim(name, 'buffer');
    this.#buffers.set(name, { tensor: value, persistent: options.persistent ?? true, nonFinite: options.nonFinite ?? false });
    return value;
  }

  /** Registers a child module; its parameters appear under `name.`. Returns `module`. */
  registerModule<M extends Module>(name: string, module: M): M {
    checkName('registerModule', name);
    if (!(module instanceof Module)) throw new TypeError(`registerModule: '${name}' must be a Module, got ${describeValue(module)}`);
    this.#claim(name, 'module');
    this.#modules.set(name, module);
    return module;
  }

  #claim(name: string, kind: 'parameter' | 'buffer' | 'module'): void {
    const taken = this.#params.has(name) ? 'parameter' : this.#buffers.has(name) ? 'buffer' : this.#modules.has(name) ? 'module' : null;
    if (taken !== null && taken !== kind) {
      throw new Error(`register${kind[0].toUpperCase()}${kind.slice(1)}: '${name}' is already a ${taken}`);
    }
  }

  // ---- traversal ----------------------------------------------------------------------------

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.#modules];
  }

  children(): Module[] {
    return [...this.#modules.values()];
  }

  /** This module and every descendant, pre-order, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this.#modules) out.push(...m.namedModules(prefix === '' ? name : `${prefix}.${name}`));
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with dotted names (each tensor once, even when shared). */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of m.#params) {
        if (t === null || seen.has(t)) continue;
        seen.add(t);
        out.push([prefix === '' ? name : `${prefix}.${name}`, t]);
      }
    }
    return out;
  }

  /** All parameters, e.g. to hand to an optimizer. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Buffers with dotted names (persistent or not). */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.#buffers) if (b.tensor !== null) out.push([prefix === '' ? name : `${prefix}.${name}`, b.tensor]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** The dotted names of the buffers registered with `nonFinite: true` (exempt from the save/load check). */
  nonFiniteBuffers(): string[] {
    const out: string[] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.#buffers) if (b.nonFinite) out.push(prefix === '' ? name : `${prefix}.${name}`);
    }
    return out;
  }

  /** Number of parameter values (only those that require grad with `trainableOnly`). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!options.trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  /** Calls `fn` on every descendant, then on this module (like PyTorch); returns this. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.#modules.values()) m.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes and gradients ------------------------------------------------------------------

  /** Sets training mode on this module and its descendants; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. Dropout passes through, BatchNorm uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Moves every parameter and buffer (and their gradients) to `device` in place: the same
   * tensor objects then live there, so an optimizer made before keeps them (its state follows
   * at its next step). Returns this.
   * @example const model = new Linear(4, 2).to('reference'); model.weight.device // 'reference'
   */
  to(device: string | Device): this {
    const dev = toDevice(device, 'Module.to');
    for (const p of this.parameters()) moveInPlace(p, dev, 'Module.to');
    for (const b of this.buffers()) moveInPlace(b, dev, 'Module.to');
    return this;
  }

  /**
   * `to`, reading through the devices' asynchronous reads: moves a model off a GPU (which `to`
   * cannot read synchronously). The same tensor objects move; an optimizer's state follows with
   * `await optimizer.toAsync()`.
   * @example await model.toAsync('cpu'); model.weight.device // 'cpu'
   */
  async toAsync(device: string | Device): Promise<this> {
    const dev = toDevice(device, 'Module.toAsync');
    for (const p of this.parameters()) await moveInPlaceAsync(p, dev);
    for (const b of this.buffers()) await moveInPlaceAsync(b, dev);
    return this;
  }

  /** Clears every parameter's `.grad` (to null). */
  zeroGrad(): void {
    for (const p of this.parameters()) p._dropGrad();
  }

  /** Freezes (false) or unfreezes every parameter; returns this. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  // ---- state --------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name, in registration order. The tensors share
   * memory with the module (detached): clone them to keep a snapshot.
   */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    for (const [prefix, m] of this.namedModules()) {
      const key = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
      for (const [name, t] of m.#params) if (t !== null) out.set(key(name), t.detach());
      for (const [name, b] of m.#buffers) if (b.tensor !== null && b.persistent) out.set(key(name), b.tensor.detach());
    }
    return out;
  }

  /**
   * Copies tensors from `dict` into this module's parameters and buffers (in place, so optimizers
   * keep their references). Nothing is copied unless everything checks: shapes always, and with
   * `strict` (the default) that no key is missing or unexpected.
   * @example model.loadStateDict(other.stateDict());
   */
  loadStateDict(dict: StateDict | Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const given = dict instanceof Map ? dict : new Map(Object.entries(dict));
    const own = this.stateDict();
    const missingKeys = [...own.keys()].filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    if (strict && missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    for (const [key, dst] of own) {
      const src = given.get(key);
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) problems.push(`${key} must be a Tensor, got ${describeValue(src)}`);
      else if (fmt(src.shape) !== fmt(dst.shape))
        problems.push(`shape mismatch for ${key}: expected ${fmt(dst.shape)}, got ${fmt(src.shape)}`);
    }
    if (problems.length > 0) throw new Error(`loadStateDict: ${problems.join('; ')}`);
    noGrad(() => {
      for (const [key, dst] of own) {
        const src = given.get(key);
        // a checkpoint read on one device loads into a module on another
        if (src !== undefined) dst.copy_(src.storage.device === dst.storage.device ? src : src.to(dst.storage.device));
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- description --------------------------------------------------------------------------

  /** The layer's constructor arguments as JSON (see `layerToConfig` / `layerFromConfig`). */
  getConfig(): ConfigValues {
    return {};
  }

  /** The arguments shown between the parentheses when printing, e.g. `inFeatures=784, ...`. */
  extraRepr(): string {
    return '';
  }

  /** The architecture without the parameter count line. */
  repr(): string {
    const head = `${this.constructor.name}(`;
    const extra = this.extraRepr();
    if (this.#modules.size === 0) return `${head}${extra})`;
    const lines = extra === '' ? [] : [extra];
    for (const [name, m] of this.#modules) lines.push(`(${name}): ${m.repr()}`);
    return `${head}\n${lines.map((l) => `  ${l.replaceAll('\n', '\n  ')}`).join('\n')}\n)`;
  }

  /**
   * The architecture, like PyTorch's print(model), followed by the parameter counts.
   * @example
   * console.log(String(new Sequential(new Linear(4, 2), new ReLU())));
   * // Sequential(
   * //   (0): Linear(inFeatures=4, outFeatures=2, bias=true)
   * //   (1): ReLU()
   * // )
   * // Parameters: 10 (trainable: 10)
   */
  toString(): string {
    const group = (n: number) => n.toLocaleString('en-US');
    return `${this.repr()}\nParameters: ${group(this.numParameters())} (trainable: ${group(this.numParameters({ trainableOnly: true }))})`;
  }

  /** Node's console.log(model) prints the same as toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
