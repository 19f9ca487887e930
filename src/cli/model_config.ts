// The `model` section of a training config: either a list of layers from the nn registry,
//
//   model:
//     layers:
//       - { type: Linear, inFeatures: 784, outFeatures: 128 }
//       - { type: ReLU }
//
// or a preset sized from the data: `model: mlp` / `model: { preset: cnn, channels: [32, 64] }`.
// Each layer is built on its own so an error names its exact place (config.model.layers[2].p).

import { noGrad } from '../core/autograd.js';
import { Sequential } from '../nn/container.js';
import type { JsonValue, Module } from '../nn/module.js';
import { layerFromConfig, layerTypes } from '../nn/registry.js';
import { zeros } from '../ops/creation.js';
import { type Checker, describe, rewriteArgError, suggestion } from './check.js';
import { ConfigError } from './errors.js';

/** One entry of `model.layers`: a registry type, an optional name, and the layer's arguments. */
export interface LayerSpec {
  type: string;
  name?: string;
  [arg: string]: JsonValue | undefined;
}

export const ACTIVATIONS = {
  relu: 'ReLU',
  gelu: 'GELU',
  silu: 'SiLU',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  elu: 'ELU',
  leakyRelu: 'LeakyReLU',
  hardswish: 'Hardswish',
  mish: 'Mish',
} as const;
export type Activation = keyof typeof ACTIVATIONS;

/** A model: an explicit layer list, or a preset whose input and output sizes come from the data. */
export type ModelConfig =
  | { kind: 'layers'; layers: LayerSpec[] }
  | {
      kind: 'mlp';
      /** Hidden layer widths. Default [256, 128]. */
      hidden: number[];
      /** Default 'relu'. */
      activation: Activation;
      /** Dropout after each hidden activation (0 = none). Default 0. */
      dropout: number;
    }
  | {
      kind: 'cnn';
      /** Output channels of each conv-activation-maxpool(2) block. Default [32, 64]. */
      channels: number[];
      /** Conv kernel size. Default 3. */
      kernelSize: number;
      /** Conv padding. Default 0. */
      padding: number;
      /** Default 'relu'. */
      activation: Activation;
      /** Dropout before the final Linear (0 = none). Default 0. */
      dropout: number;
    };

const PRESET_KEYS = {
  mlp: ['preset', 'hidden', 'activation', 'dropout'],
  cnn: ['preset', 'channels', 'kernelSize', 'padding', 'activation', 'dropout'],
};
const EXPECTED = "{ layers: [{ type, ...args }, ...] } or a preset: 'mlp', 'cnn', { preset: mlp|cnn, ... }";

/** Layer types a model may list (the registry minus the losses). */
export function modelLayerTypes(): string[] {
  return layerTypes().filter((t) => !t.endsWith('Loss'));
}

/** Validates the `model` section; each listed layer is built once to check its arguments (this draws random numbers). */
export function parseModelConfig(c: Checker, raw: unknown, path: string): ModelConfig | undefined {
  if (raw === undefined) return c.fail(path, `missing; expected ${EXPECTED}`);
  const preset = typeof raw === 'string' ? raw : (raw as { preset?: unknown } | null)?.preset;
  if (typeof raw === 'string' || (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'preset' in raw)) {
    const kind = c.choice(typeof raw === 'string' ? path : `${path}.preset`, preset, ['mlp', 'cnn'] as const, true);
    if (kind === undefined) return undefined;
    const o = c.object(path, typeof raw === 'string' ? {} : raw, PRESET_KEYS[kind]) ?? {};
    const activation = c.choice(`${path}.activation`, o.activation, Object.keys(ACTIVATIONS) as Activation[]) ?? 'relu';
    const dropout = c.number(`${path}.dropout`, o.dropout, { min: 0, max: 1, maxExclusive: true }) ?? 0;
    const width = (p: string, v: unknown) => c.number(p, v, { integer: true, min: 1 });
    if (kind === 'mlp') {
      const hidden = c.array(`${path}.hidden`, o.hidden, width, 'an array of layer widths, e.g. [256, 128]') ?? [256, 128];
      return { kind, hidden, activation, dropout };
    }
    const channels = c.array(`${path}.channels`, o.channels, width, 'an array of channel counts, e.g. [32, 64]') ?? [32, 64];
    if (channels.length === 0) c.fail(`${path}.channels`, 'expected at least one block, got an empty array');
    const kernelSize = c.number(`${path}.kernelSize`, o.kernelSize, { integer: true, min: 1 }) ?? 3;
    const padding = c.number(`${path}.padding`, o.padding, { integer: true, min: 0 }) ?? 0;
    return { kind, channels, kernelSize, padding, activation, dropout };
  }
  const o = c.object(path, raw, ['layers'], EXPECTED);
  if (o === undefined) return undefined;
  if (!Array.isArray(o.layers) || o.layers.length === 0) {
    return c.fail(`${path}.layers`, `expected a non-empty array of { type, ...args }, got ${describe(o.layers)}`);
  }
  const layers = o.layers.map((entry, i) => checkLayerSpec(c, entry, `${path}.layers[${i}]`));
  return layers.every((l) => l !== undefined) ? { kind: 'layers', layers: layers as LayerSpec[] } : undefined;
}

function checkLayerSpec(c: Checker, entry: unknown, path: string): LayerSpec | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return c.fail(
      path,
      `expected a layer { type, ...args }, e.g. { type: Linear, inFeatures: 784, outFeatures: 10 }, got ${describe(entry)}`,
    );
  }
  const spec = entry as LayerSpec;
  const types = modelLayerTypes();
  if (typeof spec.type !== 'string')
    return c.fail(`${path}.type`, `expected a layer type (${types.join(', ')}), got ${describe(spec.type)}`);
  if (layerTypes().includes(spec.type) && !types.includes(spec.type)) {
    return c.fail(`${path}.type`, `${spec.type} is a loss, not a layer; name the loss in config.loss`);
  }
  if (!types.includes(spec.type)) {
    return c.fail(`${path}.type`, `unknown layer type ${describe(spec.type)}${suggestion(spec.type, types)} (known: ${types.join(', ')})`);
  }
  if (spec.name !== undefined && (typeof spec.name !== 'string' || spec.name === '' || spec.name.includes('.'))) {
    return c.fail(`${path}.name`, `expected a non-empty name without '.', got ${describe(spec.name)}`);
  }
  if (spec.type === 'Sequential') {
    const inner = parseModelConfig(c, { layers: spec.layers }, path);
    const extra = Object.keys(spec).filter((k) => !['type', 'name', 'layers'].includes(k));
    for (const k of extra) c.fail(`${path}.${k}`, 'unknown key for Sequential (allowed: type, name, layers)');
    return inner === undefined || extra.length > 0 ? undefined : spec;
  }
  const { type, name: _, ...args } = spec;
  try {
    layerFromConfig({ type, config: args as Record<string, JsonValue> }); // checks the arguments (call before seeding)
  } catch (err) {
    for (const problem of layerProblems(path, type, args, (err as Error).message)) c.problems.push(problem);
    return undefined;
  }
  return spec;
}

/** What the model is fitted to: one sample's shape, e.g. [784] or [1, 28, 28], and the class count. */
export interface DataShape {
  sampleShape: readonly number[];
  numClasses: number;
}

/**
 * Builds the model (call after `manualSeed`, since weights are drawn here). Layer arguments are
 * checked by the layers themselves; their errors come back as ConfigError naming the field.
 */
export function buildModel(config: ModelConfig, data: DataShape, path = 'config.model'): Module {
  if (config.kind === 'layers') return buildLayers(config.layers, `${path}.layers`);
  return buildLayers(presetLayers(config, data, path), `${path} (preset ${config.kind})`);
}

function buildLayers(specs: readonly LayerSpec[], path: string): Sequential {
  const model = new Sequential();
  specs.forEach((spec, i) => {
    const at = `${path}[${i}]`;
    const { type, name, ...args } = spec;
    let layer: Module;
    if (type === 'Sequential') layer = buildLayers(spec.layers as unknown as LayerSpec[], `${at}.layers`);
    else {
      try {
        layer = layerFromConfig({ type, config: args as Record<string, JsonValue> });
      } catch (err) {
        throw new ConfigError(layerProblems(at, type, args, (err as Error).message));
      }
    }
    try {
      model.add(layer, name ?? String(i));
    } catch (err) {
      throw new ConfigError([`${at}.name: ${(err as Error).message.replace(/^Sequential\.add: /, '')}`]);
    }
  });
  return model;
}

/** Rewrites a layer's error as problems at field paths: `...layers[0].inFeatures: expected ..., got ...`. */
export function layerProblems(at: string, type: string, args: Record<string, unknown>, message: string): string[] {
  const msg = message.replace(/^layerFromConfig: /, '');
  const unknown = /^unknown config fields? (.+) for \w+ \(expected: (.*)\)$/s.exec(msg);
  if (unknown !== null) {
    const allowed = unknown[2] === 'none' ? [] : unknown[2].split(', ');
    const keys = [...unknown[1].matchAll(/'([^']*)'/g)].map((m) => m[1]);
    return keys.map((k) => `${at}.${k}: unknown argument for ${type}${suggestion(k, allowed)} (allowed: ${allowed.join(', ') || 'none'})`);
  }
  const rewritten = rewriteArgError(at, msg, args);
  return [rewritten.startsWith(`${at}: `) ? `${at} (${type}): ${msg}` : rewritten];
}

function presetLayers(config: Exclude<ModelConfig, { kind: 'layers' }>, data: DataShape, path: string): LayerSpec[] {
  const act: LayerSpec = { type: ACTIVATIONS[config.activation] };
  const dropout = (p: number): LayerSpec[] => (p > 0 ? [{ type: 'Dropout', p }] : []);
  const shape = data.sampleShape;
  if (config.kind === 'mlp') {
    const layers: LayerSpec[] = shape.length > 1 ? [{ type: 'Flatten' }] : [];
    let width = shape.reduce((a, b) => a * b, 1);
    for (const h of config.hidden) {
      layers.push({ type: 'Linear', inFeatures: width, outFeatures: h }, act, ...dropout(config.dropout));
      width = h;
    }
    return [...layers, { type: 'Linear', inFeatures: width, outFeatures: data.numClasses }];
  }
  if (shape.length !== 3) {
    throw new ConfigError([
      `${path}: the cnn preset needs images (C, H, W), but the data gives samples of shape [${shape.join(', ')}]; set config.data.flatten: false`,
    ]);
  }
  let [channels, h, w] = shape;
  const layers: LayerSpec[] = [];
  const { kernelSize: k, padding } = config;
  for (const out of config.channels) {
    layers.push({ type: 'Conv2d', inChannels: channels, outChannels: out, kernelSize: k, padding }, act, {
      type: 'MaxPool2d',
      kernelSize: 2,
    });
    [channels, h, w] = [out, Math.floor((h + 2 * padding - k + 1) / 2), Math.floor((w + 2 * padding - k + 1) / 2)];
    if (h < 1 || w < 1)
      throw new ConfigError([
        `${path}.channels: ${config.channels.length} blocks shrink ${shape[1]}x${shape[2]} images to nothing; use fewer blocks or padding`,
      ]);
  }
  return [
    ...layers,
    { type: 'Flatten' },
    ...dropout(config.dropout),
    { type: 'Linear', inFeatures: channels * h * w, outFeatures: data.numClasses },
  ];
}

/**
 * Runs the model on a dummy batch to check it accepts the data's samples and, for classification,
 * outputs one score per class; returns the output shape. Problems come back as ConfigError at `path`.
 */
export function checkModelFits(model: Module, data: DataShape, classification: boolean, path = 'config.model'): readonly number[] {
  const wasTraining = model.training;
  model.eval();
  let out: readonly number[];
  try {
    out = noGrad(() => model.forward(zeros([2, ...data.sampleShape]))).shape; // (2, numClasses)
  } catch (err) {
    const first = model.modules().find((m) => m.children().length === 0)?.constructor.name;
    const hint =
      data.sampleShape.length > 1 && first === 'Linear' ? ' (set config.data.flatten: true, or start with { type: Flatten })' : '';
    throw new ConfigError([
      `${path}: the model does not accept the data's inputs of shape [N, ${data.sampleShape.join(', ')}]: ${(err as Error).message}${hint}`,
    ]);
  } finally {
    model.train(wasTraining);
  }
  if (classification && (out.length !== 2 || out[1] !== data.numClasses)) {
    throw new ConfigError([
      `${path}: the model outputs shape [N, ${out.slice(1).join(', ')}], but the data has ${data.numClasses} classes; the last layer should output ${data.numClasses} values`,
    ]);
  }
  return out;
}
