// Memory lifetime, in one place and for every device. A tensor's memory is a Storage: a buffer
// of one device. A Storage's buffer is freed through its device
//  1. when the Storage is garbage collected: the finalizer backstop, for the buffers the device
//     asks it to watch (see Device.finalizer); it works whenever the event loop turns;
//  2. on an explicit `release` (`Tensor.dispose()`: an optimisation, never required), which
//     tessera itself does for memory nothing but the autograd graph reads:
//     - what a scope allocates (`capture`): the temporaries of a gradient rule, of a composed op
//       (`composite`), of an optimizer update (`withTemps`), of a Sequential of built-in layers;
//     - what the graph alone holds (`ownByGraph`, `ownStorages`, `attach`'s `owned`): released
//       when backward frees the graph, or at once when nothing is recorded;
//     - gradients made during backward, and gradients `zeroGrad` drops that nobody else was given.
// Devices add what only they can (the CPU device spills least-recently-used blocks to JS memory
// so that a synchronous loop, where finalizers never run, stays flat).

import type { DeviceBuffer } from '../backend/backend.js';
import type { Device, Reclaimable } from '../backend/device.js';
import type { Node } from './autograd.js';
import type { Tensor } from './tensor.js';

/**
 * The memory of one tensor and of every view of it: a buffer of `device`.
 * @example t.storage.device.name // 'cpu'
 */
export class Storage {
  /** Explicitly released; its buffer is gone. */
  released = false;
  constructor(
    readonly device: Device,
    readonly buffer: DeviceBuffer,
    /** Allocation order: tells which storages were made after a given moment. */
    readonly serial: number,
  ) {}

  /** Bytes of the buffer. */
  get nbytes(): number {
    return this.buffer.nbytes;
  }
}

let serial = 0;
let captured: Storage[] | null = null;
const finalizers = new FinalizationRegistry<Reclaimable>((r) => r.reclaim());

/**
 * A new storage of `nbytes` on `device`, watched by the finalizer backstop where the device asks,
 * and recorded by the innermost `capture`. Errors of the device (out of memory) pass through.
 * @example const s = allocateStorage(getDevice('cpu'), 64);
 */
export function allocateStorage(device: Device, nbytes: number): Storage {
  const buffer = device.allocate(nbytes);
  const storage = new Storage(device, buffer, serial++);
  if (nbytes >= device.finalizeMinBytes) {
    const r = device.finalizer(buffer);
    if (r !== null) finalizers.register(storage, r, storage);
  }
  if (captured !== null) captured.push(storage);
  return storage;
}

/** Frees a storage's buffer now, through its device; a second call does nothing. @example release(t.storage) */
export function release(storage: Storage): void {
  if (storage.released) return;
  storage.released = true;
  finalizers.unregister(storage);
  storage.device.free(storage.buffer);
}

/** The serial number the next storage will get. @example const first = nextSerial(); ...; s.serial >= first */
export function nextSerial(): number {
  return serial;
}

/**
 * Runs `fn` and returns its result with every storage allocated meanwhile (nested captures also
 * report to the enclosing one).
 * @example const [y, made] = capture(() => f(x));
 */
export function capture<T>(fn: () => T): [T, Storage[]] {
  const outer = captured;
  const mine: Storage[] = [];
  captured = mine;
  try {
    return [fn(), mine];
  } finally {
    captured = outer;
    if (outer !== null) for (const s of mine) outer.push(s);
  }
}

/**
 * Runs `fn` and releases everything it allocated: for code whose effects are only in-place
 * writes (running statistics), whose temporaries nothing else reads.
 * @example releasing(() => noGrad(() => running.copy_(add(mul(running, 0.9), mul(mu, 0.1)))));
 */
export function releasing(fn: () => void): void {
  const [, made] = capture(fn);
  for (const s of made) release(s);
}

/**
 * Runs `fn`, handing it `t`, which marks a tensor as a temporary of this update; all are released
 * when `fn` returns. An optimisation (the device would reclaim them later): large parameters would
 * otherwise leave several parameter-sized temporaries per step for the heap to spill.
 * @example withTemps((t) => p.sub_(t(mul(g, lr))));
 */
export function withTemps<T>(fn: (t: (x: Tensor) => Tensor) => T): T {
  const held: Tensor[] = [];
  try {
    return fn((x) => {
      held.push(x);
      return x;
    });
  } finally {
    for (const x of held) release(x.storage);
  }
}

/**
 * Hands `tensors` (outputs made on the way to `out` that only the graph will read again) to the
 * graph of `out`: their memory is released when backward frees that graph, or now when `out`
 * records none. Storages shared with `out` or with any of `keep` are never released.
 * @example ownByGraph(y, [hidden], [x]); // hidden freed by y's backward
 */
export function ownByGraph(out: Tensor, tensors: Iterable<Tensor>, keep: readonly Tensor[] = []): void {
  const storages: Storage[] = [];
  for (const t of tensors) storages.push(t.storage);
  ownStorages(out, storages, keep);
}

/**
 * ownByGraph for storages (e.g. everything `capture` saw allocated on the way to `out`).
 * @example const [y, made] = capture(run); ownStorages(y, made, [x]);
 */
export function ownStorages(out: Tensor, storages: Iterable<Storage>, keep: readonly Tensor[] = []): void {
  const node: Node | null = out.gradFn;
  for (const s of storages) {
    if (s === out.storage || s.released || keep.some((k) => k.storage === s)) continue;
    if (node === null) release(s);
    else if (node.owned === null) node.owned = [s];
    else node.owned.push(s); // a storage listed twice is released once
  }
}

/**
 * Runs an op composed of other ops and hands everything it allocated, but its output, to the
 * output's graph (released at once when it records none). Only for code that keeps no reference
 * to what it makes, such as tessera's own composite ops and a Sequential of built-in layers.
 * @example return composite([x], () => div(sum(x), n));
 */
export function composite(inputs: readonly Tensor[], fn: () => Tensor): Tensor {
  const [out, made] = capture(fn);
  ownStorages(out, made, inputs);
  return out;
}
