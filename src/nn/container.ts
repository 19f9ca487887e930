// Sequential: a chain of modules, each fed the previous one's output.

import { composite } from '../core/lifetime.js';
import type { Tensor } from '../core/tensor.js';
import { type ConfigValues, type JsonValue, Module } from './module.js';
import { isBuiltinLayer, layerToConfig } from './registry.js';

/**
 * Runs its children in order. Children are named '0', '1', ... or, when built from an object,
 * by its keys (so parameters are `0.weight` or `fc1.weight`). Prefer non-numeric keys when naming:
 * JavaScript puts integer-like object keys first.
 *
 * Shape: whatever the first child takes -> whatever the last one returns.
 *
 * @example
 * const mlp = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * mlp.forward(randn([32, 784])).shape; // [32, 10]
 * const named = new Sequential({ fc1: new Linear(784, 128), act: new ReLU(), fc2: new Linear(128, 10) });
 * named.namedParameters()[0][0]; // 'fc1.weight'
 */
export class Sequential extends Module {
  constructor(...layers: Module[]);
  constructor(layers: Record<string, Module>);
  constructor(...args: (Module | Record<string, Module>)[]) {
    super();
    if (args.length === 1 && !(args[0] instanceof Module)) {
      const named = args[0];
      if (typeof named !== 'object' || named === null) {
        throw new TypeError(`Sequential: expected modules or an object of named modules, got ${String(named)}`);
      }
      for (const [name, m] of Object.entries(named)) this.add(m, name);
    } else {
      args.forEach((m, i) => {
        if (!(m instanceof Module)) {
          throw new TypeError(`Sequential: argument ${i} must be a Module, got ${m === null ? 'null' : typeof m}`);
        }
        this.add(m);
      });
    }
  }

  /** Appends `layer` under `name` (default: its index); returns this. */
  add(layer: Module, name = String(this.length)): this {
    if (!(layer instanceof Module)) {
      throw new TypeError(`Sequential.add: layer '${name}' must be a Module, got ${layer === null ? 'null' : typeof layer}`);
    }
    if (this.namedChildren().some(([n]) => n === name)) throw new Error(`Sequential.add: a layer named '${name}' already exists`);
    this.registerModule(name, layer);
    return this;
  }

  /** Number of layers. */
  get length(): number {
    return this.children().length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): Module {
    const layers = this.children();
    const i = index < 0 ? index + layers.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= layers.length) {
      throw new RangeError(`Sequential.at: index ${index} is out of range for ${layers.length} layers`);
    }
    return layers[i];
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    const layers = this.children();
    const run = (): Tensor => {
      let y = x;
      for (const layer of layers) y = layer.forward(y);
      return y;
    };
    if (!layers.every(isBuiltinLayer)) return run();
    // Built-in layers keep no reference to what they make, so everything allocated on the way to
    // the output (the outputs between layers, the temporaries inside them) is read again only by
    // the graph: it is freed with the graph (at once when nothing is recorded) rather than left
    // for the garbage collector, which a synchronous loop never lets run.
    return composite([x], run);
  }

  /** `{ layers: [{ type, config, name? }, ...] }`; names only where they differ from the index. */
  override getConfig(): ConfigValues {
    const layers = this.namedChildren().map(([name, m], i): JsonValue => {
      const c = layerToConfig(m);
      return name === String(i) ? { type: c.type, config: c.config } : { name, type: c.type, config: c.config };
    });
    return { layers };
  }
}
