// Layers by name: `layerToConfig` describes a module as { type, config } (plain JSON) and
// `layerFromConfig` rebuilds it, so a saved architecture loads without the user's code. Built-in
// layers and losses are known; a user's own layer is added explicitly with `registerLayer`.

import * as act from './activation.js';
import { MultiheadAttention } from './attention.js';
import * as bn from './batchnorm.js';
import { Sequential } from './container.js';
import { Conv1d, Conv2d } from './conv.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Flatten, Unflatten } from './flatten.js';
import { Identity, Linear } from './linear.js';
import * as loss from './loss.js';
import type { ConfigValues, Module } from './module.js';
import { LayerNorm, RMSNorm } from './normalization.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
import { LearnedPositionalEmbedding, RotaryEmbedding, SinusoidalPositionalEncoding } from './positional.js';
import { GRU, LSTM, RNN } from './recurrent.js';
import { GRUCell, LSTMCell, RNNCell } from './recurrent_cells.js';

/** A serialised layer: its registered type name and its `getConfig()`. */
export interface LayerConfig {
  type: string;
  config: ConfigValues;
}

/** Builds a layer from its config; `build` rebuilds nested layer configs (for containers). */
export type LayerBuilder = (config: ConfigValues, build: (child: LayerConfig) => Module) => Module;

type ModuleClass = abstract new (...args: never[]) => Module;

interface Entry {
  cls: ModuleClass;
  build: LayerBuilder;
}

// biome-ignore lint/suspicious/noExplicitAny: configs are checked by the constructors they are passed to
type Args = any;

/** The built-in table, created on first use (it refers to Sequential, which imports this file). */
let builtins: Map<string, Entry> | null = null;
const custom = new Map<string, Entry>();

function table(): Map<string, Entry> {
  if (builtins !== null) return builtins;
  const entries: [string, ModuleClass, (c: Args, build: (child: LayerConfig) => Module) => Module][] = [
    ['Linear', Linear, (c) => new Linear(c.inFeatures, c.outFeatures, c)],
    ['Identity', Identity, () => new Identity()],
    ['Conv1d', Conv1d, (c) => new Conv1d(c.inChannels, c.outChannels, c.kernelSize, c)],
    ['Conv2d', Conv2d, (c) => new Conv2d(c.inChannels, c.outChannels, c.kernelSize, c)],
    ['MaxPool2d', MaxPool2d, (c) => new MaxPool2d(c.kernelSize, c)],
    ['AvgPool2d', AvgPool2d, (c) => new AvgPool2d(c.kernelSize, c)],
    ['AdaptiveAvgPool2d', AdaptiveAvgPool2d, (c) => new AdaptiveAvgPool2d(c.outputSize)],
    ['Flatten', Flatten, (c) => new Flatten(c.startDim, c.endDim)],
    ['Unflatten', Unflatten, (c) => new Unflatten(c.dim, c.sizes)],
    ['Dropout', Dropout, (c) => new Dropout(c.p)],
    ['BatchNorm1d', bn.BatchNorm1d, (c) => new bn.BatchNorm1d(c.numFeatures, c)],
    ['BatchNorm2d', bn.BatchNorm2d, (c) => new bn.BatchNorm2d(c.numFeatures, c)],
    ['LayerNorm', LayerNorm, (c) => new LayerNorm(c.normalizedShape, c)],
    ['Embedding', Embedding, (c) => new Embedding(c.numEmbeddings, c.embeddingDim, c)],
    ['RMSNorm', RMSNorm, (c) => new RMSNorm(c.normalizedShape, c)],
    ['RNN', RNN, (c) => new RNN(c.inputSize, c.hiddenSize, c)],
    ['LSTM', LSTM, (c) => new LSTM(c.inputSize, c.hiddenSize, c)],
    ['GRU', GRU, (c) => new GRU(c.inputSize, c.hiddenSize, c)],
    ['RNNCell', RNNCell, (c) => new RNNCell(c.inputSize, c.hiddenSize, c)],
    ['LSTMCell', LSTMCell, (c) => new LSTMCell(c.inputSize, c.hiddenSize, c)],
    ['GRUCell', GRUCell, (c) => new GRUCell(c.inputSize, c.hiddenSize, c)],
    ['MultiheadAttention', MultiheadAttention, (c) => new MultiheadAttention(c.embedDim, c.numHeads, c)],
    ['SinusoidalPositionalEncoding', SinusoidalPositionalEncoding, (c) => new SinusoidalPositionalEncoding(c.dModel, c)],
    ['LearnedPositionalEmbedding', LearnedPositionalEmbedding, (c) => new LearnedPositionalEmbedding(c.maxLen, c.dModel)],
    ['RotaryEmbedding', RotaryEmbedding, (c) => new RotaryEmbedding(c.dim, c)],
    // every activation layer in activation.ts, by its class name (no list here to keep in step)
    ...Object.entries(act).map(([type, cls]): [string, ModuleClass, (c: Args) => Module] => [
      type,
      cls,
      (c) => activationFromConfig(cls, c),
    ]),
    ['Sequential', Sequential, (c, build) => sequentialFromConfig(c, build)],
    ['MSELoss', loss.MSELoss, (c) => new loss.MSELoss(c)],
    ['L1Loss', loss.L1Loss, (c) => new loss.L1Loss(c)],
    ['SmoothL1Loss', loss.SmoothL1Loss, (c) => new loss.SmoothL1Loss(c)],
    ['HuberLoss', loss.HuberLoss, (c) => new loss.HuberLoss(c)],
    ['BCELoss', loss.BCELoss, (c) => new loss.BCELoss(c)],
    ['BCEWithLogitsLoss', loss.BCEWithLogitsLoss, (c) => new loss.BCEWithLogitsLoss(c)],
    ['CrossEntropyLoss', loss.CrossEntropyLoss, (c) => new loss.CrossEntropyLoss(c)],
    ['NLLLoss', loss.NLLLoss, (c) => new loss.NLLLoss(c)],
    ['KLDivLoss', loss.KLDivLoss, (c) => new loss.KLDivLoss(c)],
  ];
  builtins = new Map(entries.map(([type, cls, build]) => [type, { cls, build }]));
  return builtins;
}

/**
 * Rebuilds an activation layer from its config: its constructor takes the config's values in
 * getConfig() order (the rule of src/nn/activation.ts), missing ones taking their defaults.
 */
function activationFromConfig(cls: ModuleClass, c: Args): Module {
  const Ctor = cls as unknown as new (...args: unknown[]) => Module;
  return new Ctor(...Object.keys(new Ctor().getConfig()).map((k) => c[k]));
}

function sequentialFromConfig(c: Args, build: (child: LayerConfig) => Module): Module {
  if (!Array.isArray(c.layers)) throw new TypeError(`layers must be an array of { type, config }, got ${JSON.stringify(c.layers)}`);
  const seq = new Sequential();
  (c.layers as (LayerConfig & { name?: string })[]).forEach((entry, i) => {
    const extra =
      typeof entry === 'object' && entry !== null ? Object.keys(entry).filter((k) => !['name', 'type', 'config'].includes(k)) : [];
    if (extra.length > 0) throw new RangeError(`layers[${i}] has unknown field '${extra[0]}' (expected: name, type, config)`);
    seq.add(build({ type: entry?.type, config: entry?.config ?? {} }), entry?.name ?? String(i));
  });
  return seq;
}

/**
 * Makes a custom layer serialisable: `layerToConfig` will name it `type`, and `layerFromConfig`
 * will call `build(config)` with what its `getConfig()` returned.
 * @example registerLayer('Residual', Residual, (c, build) => new Residual(build(c.inner as LayerConfig)));
 */
export function registerLayer(type: string, cls: ModuleClass, build: LayerBuilder): void {
  if (typeof type !== 'string' || type === '') {
    throw new TypeError(`registerLayer: type must be a non-empty string, got ${JSON.stringify(type)}`);
  }
  if (table().has(type)) throw new Error(`registerLayer: '${type}' is a built-in layer; pick another name`);
  custom.set(type, { cls, build });
}

let builtinClasses: Set<ModuleClass> | null = null;

/**
 * Whether `layer` is one of tessera's own layers (its exact class, not a subclass, with its own
 * forward), whose forward keeps no reference to the tensors it takes or returns. A Sequential
 * counts when all its layers do.
 * @example isBuiltinLayer(new ReLU()); // true
 */
export function isBuiltinLayer(layer: Module): boolean {
  builtinClasses ??= new Set([...table().values()].map((e) => e.cls));
  if (!builtinClasses.has(layer.constructor as ModuleClass) || Object.hasOwn(layer, 'forward')) return false;
  return !(layer instanceof Sequential) || layer.children().every(isBuiltinLayer);
}

/** The type names layerFromConfig knows: the built-in layers and losses, then registered ones. */
export function layerTypes(): string[] {
  return [...table().keys(), ...custom.keys()];
}

/** A layer's type name and constructor arguments, as plain JSON. @example layerToConfig(new Linear(4, 2)) */
export function layerToConfig(layer: Module): LayerConfig {
  for (const [type, entry] of [...table(), ...custom]) {
    if (layer.constructor === entry.cls) return { type, config: layer.getConfig() };
  }
  const name = layer.constructor.name;
  throw new Error(
    `layerToConfig: ${name} is not a registered layer; call registerLayer('${name}', ${name}, (config) => new ${name}(...)) first`,
  );
}

/**
 * Rebuilds a layer (with freshly initialised weights) from `layerToConfig`'s output; load the
 * weights afterwards with `loadStateDict`. Unknown types and unknown config fields are refused.
 * @example const copy = layerFromConfig(JSON.parse(JSON.stringify(layerToConfig(model))));
 */
export function layerFromConfig(spec: LayerConfig): Module {
  return buildAt(spec, '');
}

/** Builds `spec`; `at` locates it in the outer config (e.g. 'layers[2].layers[0]') for error messages. */
function buildAt(spec: LayerConfig, at: string): Module {
  const where = `layerFromConfig: ${at === '' ? '' : `at ${at}: `}`;
  if (typeof spec !== 'object' || spec === null || typeof spec.type !== 'string') {
    throw new TypeError(`${where}expected { type, config }, got ${JSON.stringify(spec)}`);
  }
  const entry = custom.get(spec.type) ?? table().get(spec.type);
  if (entry === undefined) {
    throw new RangeError(`${where}unknown layer type '${spec.type}' (known: ${layerTypes().join(', ')})`);
  }
  const config = spec.config ?? {};
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(`${where}config of ${spec.type} must be an object, got ${JSON.stringify(config)}`);
  }
  let layer: Module;
  let child = 0;
  try {
    layer = entry.build(config, (c) => buildAt(c, `${at === '' ? '' : `${at}.`}layers[${child++}]`));
  } catch (err) {
    if (!(err instanceof Error) || err.message.startsWith('layerFromConfig:')) throw err;
    const Ctor = err instanceof TypeError ? TypeError : err instanceof RangeError ? RangeError : Error;
    throw new Ctor(`${where}${err.message}`, { cause: err });
  }
  const known = Object.keys(layer.getConfig());
  const unknown = Object.keys(config).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const list = unknown.map((k) => `'${k}'`).join(', ');
    throw new RangeError(
      `${where}unknown config field${unknown.length > 1 ? 's' : ''} ${list} for ${spec.type} (expected: ${known.join(', ') || 'none'})`,
    );
  }
  return layer;
}
