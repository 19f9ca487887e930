// The one place where tensors meet a device: allocate outputs on the op's device, check that an
// op's tensors share one device, describe layouts as Strided views, and call the device's backend.
// ops/ compose these calls; they never touch a device's memory or a backend directly.

import type { Backend, Strided } from '../backend/backend.js';
import { type Device, DeviceOutOfMemory, formatBytes } from '../backend/device.js';
import { defaultDevice, getDevice } from '../backend/registry.js';
import { checkInt32Values, type DType, fitsInt32, int32Error, itemSize, position, type TypedArray } from './dtype.js';
import { allocateStorage, type Storage } from './lifetime.js';
import { broadcastStrides, contiguousStrides, fmt, type Shape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/** A device, or its name, as creation options take it. */
export type DeviceLike = Device | string;

/** The device named by `d` (the default device when undefined). @example toDevice('reference', 'zeros') */
export function toDevice(d: DeviceLike | undefined, op = 'device'): Device {
  if (d === undefined) return defaultDevice();
  if (typeof d === 'string') return getDevice(d, op);
  if (typeof d === 'object' && d !== null && typeof d.allocate === 'function') return d;
  throw new TypeError(`${op}: device must be a device name such as 'cpu', got ${typeof d}`);
}

/**
 * Throws, naming `op` and the shape, when a tensor of `shape` and `dtype` can never fit on
 * `device`: creation ops call it before building their values in a JS array.
 * @example checkAllocation('randn', [1e6, 1e6], 'float32') // RangeError: randn: ... 3.64 TiB ...
 */
export function checkAllocation(op: string, shape: Shape, dtype: DType, device: Device = defaultDevice()): void {
  const bytes = sizeOf(shape) * itemSize(dtype);
  if (bytes > device.maxBufferBytes) {
    const where = device.name === 'cpu' ? "the tensor heap's limit" : `the limit of device '${device.name}'`;
    throw new RangeError(
      `${op}: a ${dtype} tensor of shape ${fmt(shape)} needs ${bytes} bytes (${formatBytes(bytes)}), ` +
        `more than ${where} of ${formatBytes(device.maxBufferBytes)}`,
    );
  }
}

/**
 * A new contiguous tensor with uninitialised contents on `device` (default: the default device).
 * `op` names the caller in an out-of-memory error, which also gives the shape and bytes; the
 * device is left as it was.
 * @example const out = emptyTensor([2, 3], 'float32', 'matmul', a.storage.device);
 */
export function emptyTensor(shape: Shape, dtype: DType = 'float32', op = 'allocate', device: Device = defaultDevice()): Tensor {
  checkAllocation(op, shape, dtype, device);
  const bytes = Math.max(1, sizeOf(shape)) * itemSize(dtype);
  let storage: Storage;
  try {
    storage = allocateStorage(device, bytes);
  } catch (e) {
    if (!(e instanceof DeviceOutOfMemory)) throw e;
    throw new RangeError(
      `${op}: out of memory for a ${dtype} tensor of shape ${fmt(shape)} (${bytes} bytes, ${formatBytes(bytes)}): ${e.reason}`,
      {
        cause: e,
      },
    );
  }
  return new Tensor(storage, [...shape], contiguousStrides(shape), 0, dtype);
}

/**
 * Runs one primitive on `device`: starts an op epoch (so its inputs cannot be moved while it
 * runs), and calls `fn` with the device's backend.
 * @example launch(dev, (b) => b.fill(out, 'float32', n, 0));
 */
export function launch<T>(device: Device, fn: (b: Backend) => T): T {
  device.beginOp();
  return fn(device.backend);
}

/**
 * The device `a` and `b` share; throws naming `op`, both devices and how to move one when they
 * differ. `nameA` and `nameB` are how the error calls the two tensors.
 * @example const dev = sameDevice('add', a, b);
 */
export function sameDevice(op: string, a: Tensor, b: Tensor, nameA = 'a', nameB = 'b'): Device {
  const da = a.storage.device;
  if (b.storage.device !== da) throw crossDevice(op, da.name, b.storage.device.name, [nameA, nameB]);
  return da;
}

/** The device all of `ts` share (checked like sameDevice, naming each by `names`). @example devicesOf('where', [c, a, b], ['condition', 'input', 'other']) */
export function devicesOf(op: string, ts: readonly Tensor[], names: readonly string[]): Device {
  const d = ts[0].storage.device;
  for (let i = 1; i < ts.length; i++) {
    if (ts[i].storage.device !== d) throw crossDevice(op, d.name, ts[i].storage.device.name, [names[0], names[i]]);
  }
  return d;
}

function crossDevice(op: string, a: string, b: string, [na, nb]: readonly [string, string] | readonly string[]): Error {
  return new Error(`${op}: expected all tensors on one device, got '${a}' (${na}) and '${b}' (${nb}); move one with ${nb}.to('${a}')`);
}

/** The strided view of `t` (optionally broadcast to `target`). */
export function strided(t: Tensor, target?: Shape): Strided {
  if (target === undefined || sameShape(t.shape, target)) return t;
  return {
    buffer: t.storage.buffer,
    offset: t.offset,
    dtype: t.dtype,
    shape: target,
    strides: broadcastStrides(t.shape, t.strides, target),
  };
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `t` itself when dense row-major from its offset, else a contiguous copy. */
export function contiguous(t: Tensor): Tensor {
  return t.isContiguous() ? t : copyOf(t);
}

/**
 * Whether tessera's engine reads values of tensors on `device` on the host (input checks, the
 * host path of crossEntropy): only where the device lets users read synchronously too. A device
 * that does not (a GPU, the test device 'async-ref') gets the on-device paths, which read nothing.
 * @example if (readsOnHost(t.storage.device)) checkOnHost(t); else foldCheckIntoResult(t);
 */
export function readsOnHost(device: Device): boolean {
  return device.syncRead && device.readSync !== undefined;
}

/**
 * The values of `t` read synchronously for tessera's own checks and host-side computations
 * (index bounds, loss targets), whether or not its device lets users read synchronously; `op`
 * names the caller when the device cannot be read synchronously at all (a GPU).
 * @example const idx = readValues(index, 'gather');
 */
export function readValues(t: Tensor, op: string): TypedArray {
  const dev = t.storage.device;
  if (dev.readSync === undefined) {
    throw new Error(
      `${op}: needs the values of a tensor on '${dev.name}', which cannot be read synchronously; move it with \`await t.toAsync('cpu')\` first`,
    );
  }
  const c = contiguous(t);
  try {
    return dev.readSync(c.storage.buffer, c.dtype, c.offset, c.size);
  } finally {
    if (c !== t) c.dispose(); // a private copy nothing else has seen
  }
}

/**
 * Throws naming `op` when float32 `t` holds a value that does not convert to int32 (NaN, an
 * infinity, out of range): the check every float -> int32 copy makes first (see core/dtype.ts).
 * Skipped on a device that cannot be read synchronously (readsOnHost; the conversion there saturates).
 */
function checkIntCast(op: string, t: Tensor): void {
  if (t.size === 0 || !readsOnHost(t.storage.device)) return;
  const f = readValues(t, op);
  for (let i = 0; i < f.length; i++) {
    const v = f[i];
    if (!fitsInt32(v)) throw int32Error(op, 'value', v, t.ndim === 0 ? '' : ` at ${position(i, t.shape)}`);
  }
}

/** A contiguous copy of `t`, optionally converted to `dtype` (float32 -> int32 checked, see core/dtype.ts). */
export function copyOf(t: Tensor, dtype: DType = t.dtype, op = 'copy'): Tensor {
  if (t.dtype === 'float32' && dtype === 'int32') checkIntCast(op, t);
  const dev = t.storage.device;
  return launch(dev, (b) => {
    const out = emptyTensor(t.shape, dtype, op, dev);
    b.copy(t, out);
    return out;
  });
}

/** Writes `src` (broadcast to dst's shape) into the possibly strided view `dst`. */
export function copyInto(src: Tensor, dst: Tensor, op = 'copy_'): void {
  const dev = sameDevice(op, dst, src, 'self', 'src');
  if (src.dtype === 'float32' && dst.dtype === 'int32') checkIntCast(op, src);
  launch(dev, (b) => b.copy(strided(src, dst.shape), dst));
}

/** A contiguous tensor of `shape` filled with `value`, on `device` (default: the default device). */
export function filled(shape: Shape, value: number, dtype: DType = 'float32', op = 'full', device: Device = defaultDevice()): Tensor {
  if (dtype === 'int32' && !fitsInt32(value)) throw int32Error(op, 'value', value);
  return launch(device, (b) => {
    const out = emptyTensor(shape, dtype, op, device);
    b.fill(out, dtype, sizeOf(shape), value);
    return out;
  });
}

/** A contiguous tensor holding `data` (converted to `dtype`; int32 by the rule of core/dtype.ts), on `device`. */
export function fromArray(
  shape: Shape,
  data: ArrayLike<number>,
  dtype: DType = 'float32',
  op = 'tensor',
  device: Device = defaultDevice(),
): Tensor {
  if (dtype === 'int32') checkInt32Values(op, data, shape);
  const out = launch(device, () => emptyTensor(shape, dtype, op, device));
  if (data.length > 0) device.write(out.storage.buffer, dtype, 0, data);
  return out;
}

/**
 * A copy of `t` on `device`, read from its device and written to the other (the values only:
 * Tensor.to adds the gradient). Reads synchronously: from a device that cannot (a GPU) it throws
 * naming the asynchronous move, transferAsync (`await t.toAsync(device)`). `op` names the caller.
 * @example transfer(x, getDevice('reference'))
 */
export function transfer(t: Tensor, device: Device, op = 'to'): Tensor {
  const from = t.storage.device;
  if (from.readSync === undefined) {
    const call = op.startsWith('Module')
      ? 'await model.toAsync'
      : op.startsWith('Optimizer')
        ? 'await optimizer.toAsync'
        : 'await t.toAsync';
    throw new Error(
      `${op}: tensors on '${from.name}' cannot be read synchronously, so they cannot move to '${device.name}' synchronously: ` +
        `use \`${call}('${device.name}')\` (a move onto '${from.name}' is a write and stays synchronous)`,
    );
  }
  const values = readValues(t, op);
  return fromArray(t.shape, values, t.dtype, op, device);
}

/**
 * transfer, reading through the device's asynchronous read: moves from any device, a GPU included.
 * @example const y = await transferAsync(x, getDevice('cpu'));
 */
export async function transferAsync(t: Tensor, device: Device, op = 'toAsync'): Promise<Tensor> {
  const c = contiguous(t);
  let values: TypedArray;
  try {
    values = await c.storage.device.read(c.storage.buffer, c.dtype, c.offset, c.size);
  } finally {
    if (c !== t) c.dispose();
  }
  return fromArray(t.shape, values, t.dtype, op, device);
}

/**
 * Moves `t` itself to `device`: its values (and its gradient's) are copied there and it views the
 * new memory, keeping its identity (a Parameter held by an optimizer stays the same object).
 * Views of its old memory keep the old memory. Does nothing when it is there already.
 * @example moveInPlace(param, getDevice('reference'));
 */
export function moveInPlace(t: Tensor, device: Device, op = 'to'): void {
  if (t.storage.device === device) {
    if (t._grad !== null) moveInPlace(t._grad, device, op);
    return;
  }
  const y = transfer(t, device, op);
  t._setStorage(y.storage, y.strides);
  if (t._grad !== null) moveInPlace(t._grad, device, op);
}

/**
 * moveInPlace through the device's asynchronous read (from a GPU): `t` keeps its identity.
 * @example await moveInPlaceAsync(param, getDevice('cpu'));
 */
export async function moveInPlaceAsync(t: Tensor, device: Device, op = 'toAsync'): Promise<void> {
  if (t.storage.device !== device) {
    const y = await transferAsync(t, device, op);
    t._setStorage(y.storage, y.strides);
  }
  if (t._grad !== null) await moveInPlaceAsync(t._grad, device, op);
}
