// Reverse-mode automatic differentiation on a dynamic graph, with PyTorch's semantics.
//
// Every differentiable op builds its output and, when any input requires a gradient and grad
// mode is on, attaches a Node holding its inputs and a closure that maps the output's gradient to
// the inputs' gradients (micrograd style: forward and backward of an op sit side by side in its
// ops/ file). `backward()` walks the graph in reverse topological order, sums gradients that
// meet, accumulates into leaves' `.grad`, and then frees the graph (closures and saved tensors).
//
// Memory the graph alone holds is returned to its device when the graph is freed, not when the
// garbage collector gets round to it (which never happens inside a synchronous training loop):
// gradients made during the pass, the temporaries of gradient rules (what a rule allocates and
// does not return), and what was handed to the graph (`attach`'s `owned`, `composite`,
// `ownByGraph`). The mechanism lives in core/lifetime.ts; this file decides when.

import { capture, nextSerial, ownByGraph, release, type Storage } from './lifetime.js';
import { fmt } from './shape.js';
import type { Tensor } from './tensor.js';

/** One recorded op: its name, its inputs, and the gradient rule (null once the graph is freed). */
export interface Node {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  backward: ((grad: Tensor) => readonly (Tensor | null | undefined)[]) | null;
  /** Storages that nothing but this graph uses, released when backward frees the node. */
  owned: Storage[] | null;
}

let gradEnabled = true;

/** Whether ops currently record the graph. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording gradients (inference, parameter updates), like `torch.no_grad()`.
 * @example const y = noGrad(() => model(x));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` with gradient recording switched on (inside a `noGrad`). */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Records `out = name(inputs)` with its gradient rule when any input requires a gradient.
 * `backward` returns one gradient per input (null for inputs that get none), each of the
 * input's shape. `owned` are tensors made by the op for its backward alone (never returned to
 * anyone): they are freed with the graph, or at once when nothing is recorded.
 */
export function attach(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => readonly (Tensor | null | undefined)[],
  owned: readonly Tensor[] = [],
): Tensor {
  let needed = false;
  if (gradEnabled) for (const t of inputs) if (t.requiresGrad) needed = true;
  if (!needed) {
    if (owned.length > 0) ownByGraph(out, owned, inputs);
    return out;
  }
  out.requiresGrad = true;
  out.gradFn = { name, inputs, backward, owned: null };
  if (owned.length > 0) ownByGraph(out, owned, inputs);
  return out;
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. Default false. */
  retainGraph?: boolean;
}

/** Refuses options `backward` does not know, or of the wrong type, naming them. @example checkBackwardOptions({ retainGraph: true }) */
export function checkBackwardOptions(options: BackwardOptions): void {
  for (const key of Object.keys(options)) {
    if (key !== 'retainGraph') throw new TypeError(`backward: unknown option '${key}' (known: retainGraph)`);
  }
  const r = options.retainGraph;
  if (r !== undefined && typeof r !== 'boolean') throw new TypeError(`backward: retainGraph must be a boolean, got ${typeof r}`);
}

/** Nodes reachable from `root`, inputs before the outputs that use them. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const child = inputs[i];
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/** Implements `Tensor.backward`. */
export function runBackward(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions, ones: (like: Tensor) => Tensor): void {
  if (!root.requiresGrad) {
    throw new Error('backward: this tensor does not require grad (no input had requiresGrad, or it was computed under noGrad)');
  }
  // Gradients made during this pass are freed as soon as nothing pending shares their storage,
  // so a synchronous training loop does not leave them for the heap to spill.
  const firstSerial = nextSerial();
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `backward: a gradient can be created implicitly only for a one-element output; got shape ${fmt(root.shape)}. Pass a gradient of that shape: y.backward(grad)`,
      );
    }
    seed = ones(root);
  } else {
    if (gradient.shape.length !== root.shape.length || gradient.shape.some((d, i) => d !== root.shape[i])) {
      throw new RangeError(`backward: gradient shape ${fmt(gradient.shape)} does not match output shape ${fmt(root.shape)}`);
    }
    seed = gradient;
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const pending = new Map<Storage, number>([[seed.storage, 1]]);
  const hold = (x: Tensor) => pending.set(x.storage, (pending.get(x.storage) ?? 0) + 1);
  const drop = (x: Tensor) => {
    const left = (pending.get(x.storage) ?? 1) - 1;
    if (left > 0) pending.set(x.storage, left);
    else {
      pending.delete(x.storage);
      if (x.storage.serial >= firstSerial) release(x.storage);
    }
  };
  // storages owned by the nodes this pass frees, released once every node has run
  const owned: Storage[] = [];
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const node = t.gradFn;
      if (node === null) {
        // A leaf: accumulate into .grad, like PyTorch. The first gradient is copied: `g` may be a
        // view shared with other leaves' gradients or the caller's tensor (add passes it through,
        // sum expands it with stride 0), and .grad must be safe to update in place.
        if (t._grad !== null) t._grad.add_(g);
        else if (pending.get(g.storage) === 1 && g.storage.serial >= firstSerial && g.isContiguous() && g.offset === 0) {
          // made by this pass and shared with nothing: adopt it instead of copying
          pending.delete(g.storage);
          t._grad = g;
          continue;
        } else t._grad = g.clone();
        drop(g);
        continue;
      }
      if (t.retainsGrad) t._grad = t._grad === null ? g.clone() : t._grad.add_(g);
      if (node.backward === null) {
        throw new Error(
          `backward: the graph through '${node.name}' was already freed by an earlier backward(); to go through it twice, ` +
            `keep it in the first call: y.backward({ retainGraph: true }) (or y.backward(grad, { retainGraph: true }) for a non-scalar y)`,
        );
      }
      const backward = node.backward;
      const [inGrads, made] = capture(() => backward(g));
      // what the rule made and did not return (its temporaries) is dead now
      if (made.length > 0) {
        const returned = new Set<Storage>();
        for (const ig of inGrads) if (ig != null) returned.add(ig.storage);
        for (const s of made) if (!returned.has(s)) release(s);
      }
      if (!options.retainGraph) {
        node.backward = null;
        if (node.owned !== null) owned.push(...node.owned);
        node.owned = null;
      }
      for (let k = 0; k < node.inputs.length; k++) {
        const input = node.inputs[k];
        const ig = inGrads[k];
        if (!input.requiresGrad || ig === null || ig === undefined) continue;
        const have = grads.get(input);
        if (have === undefined) {
          grads.set(input, ig);
          hold(ig);
        } else {
          const sum = have.add(ig);
          grads.set(input, sum);
          hold(sum);
          hold(ig);
          drop(ig);
          drop(have);
        }
      }
      drop(g);
    }
  } finally {
    gradEnabled = prev;
  }
  for (const s of owned) release(s);
}
