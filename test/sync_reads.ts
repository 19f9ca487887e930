// A device that refuses synchronous reads, simulated: `refuseSyncReads()` patches Tensor's
// `item()`, `toArray()` and `toTypedArray()` to throw, as a GPU device will (no GPU buffer can be
// mapped synchronously), while `await t.data()` and `await t.array()` keep working. The devices
// themselves are made to say so too (syncRead false), so the engine takes the paths it takes on a
// GPU (readsOnHost in src/core/exec.ts: losses and index checks computed on the device); the
// synchronous reads the engine's own files (src/core, src/backend, src/ops, src/nn/functional*,
// src/nn/loss) still make of a device's memory, through readValues or the Tensor methods, are let
// through and counted, so a test can prove that fit, metrics, saving and the CLI read values only
// asynchronously and list what the engine still reads.
//
//   const refusal = refuseSyncReads();
//   try { await trainer.fit(x, y); } finally { refusal.restore(); }
//   refusal.engineReads // Map 'dist/src/ops/nn.js:116' -> count

import type { Device } from '../src/backend/device.js';
import { getDevice, listDevices } from '../src/backend/registry.js';
import { Tensor } from '../src/core/tensor.js';

/** The files whose synchronous reads are the engine's own (not refused): owned by the device work. */
const ENGINE = /\/src\/(core|backend|ops)\/|\/src\/nn\/(functional[^/]*|loss)\.js/;
/** Frames skipped when naming the caller: the read methods themselves (Tensor's, readValues, the devices'). */
const READ_FILES = /\/src\/core\/(tensor|exec)\.js|\/src\/backend\//;

/** What `refuseSyncReads` returns. */
export interface SyncReadRefusal {
  /** Puts the original methods back. */
  restore(): void;
  /** Synchronous reads let through because the engine's own files made them: 'file:line' -> count. */
  engineReads: Map<string, number>;
}

/** The first stack frame outside the read methods and this file: 'dist/src/train/trainer.js:288'. */
function callerFrame(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const here = import.meta.url.replace(/^file:\/\//, '');
  for (const line of stack.split('\n').slice(1)) {
    if (READ_FILES.test(line) || line.includes(here)) continue;
    const m = /\(?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?$/.exec(line.trim());
    if (m) return `${m[1].replace(/^.*\/dist\//, 'dist/')}:${m[2]}`;
  }
  return '<unknown>';
}

/**
 * Makes every synchronous read of a tensor's values throw (naming the caller and the async method
 * to use) unless an engine file makes it; `data()` and `array()` keep working.
 * @example const r = refuseSyncReads(); try { ... } finally { r.restore(); }
 */
export function refuseSyncReads(): SyncReadRefusal {
  const proto = Tensor.prototype;
  const original = { item: proto.item, toArray: proto.toArray, toTypedArray: proto.toTypedArray, data: proto.data, array: proto.array };
  const descriptors = Object.getOwnPropertyDescriptors(proto);
  const engineReads = new Map<string, number>();
  let asyncRead = 0; // inside data()/array(): the originals' own nested calls are allowed
  const guard = (method: string): void => {
    if (asyncRead > 0) return;
    const caller = callerFrame();
    if (ENGINE.test(caller)) {
      engineReads.set(caller, (engineReads.get(caller) ?? 0) + 1);
      return;
    }
    const async = method === 'toArray' ? 'array' : 'data';
    throw new Error(`${method}(): this device reads only asynchronously, use await t.${async}() (synchronous read refused at ${caller})`);
  };
  proto.item = function (this: Tensor) {
    guard('item');
    return original.item.call(this);
  };
  proto.toTypedArray = function (this: Tensor) {
    guard('toTypedArray');
    return original.toTypedArray.call(this);
  };
  proto.toArray = function (this: Tensor) {
    guard('toArray');
    return original.toArray.call(this);
  };
  const asyncly = <T>(read: () => T | Promise<T>): Promise<T> => {
    asyncRead++;
    try {
      return Promise.resolve(read());
    } finally {
      asyncRead--;
    }
  };
  proto.data = function (this: Tensor) {
    return asyncly(() => original.data.call(this));
  };
  proto.array = function (this: Tensor) {
    return asyncly(() => original.array.call(this));
  };
  // the devices: syncRead false, and their synchronous read let through only for the engine (counted)
  const devices: Device[] = listDevices().map((name) => getDevice(name));
  const saved = devices.map((d) => d.syncRead);
  for (const d of devices) {
    const readSync = d.readSync;
    const read = d.read;
    Object.defineProperty(d, 'syncRead', { value: false, configurable: true, writable: true });
    if (readSync !== undefined) {
      Object.defineProperty(d, 'readSync', {
        configurable: true,
        writable: true,
        value: function (this: Device, ...args: Parameters<NonNullable<Device['readSync']>>) {
          guard('readSync');
          return readSync.apply(this, args);
        },
      });
    }
    Object.defineProperty(d, 'read', {
      configurable: true,
      writable: true,
      value: function (this: Device, ...args: Parameters<Device['read']>) {
        return asyncly(() => read.apply(this, args));
      },
    });
  }
  return {
    engineReads,
    restore() {
      for (const name of Object.keys(original)) Object.defineProperty(proto, name, descriptors[name]);
      devices.forEach((d, i) => {
        for (const key of ['readSync', 'read']) delete (d as unknown as Record<string, unknown>)[key];
        Object.defineProperty(d, 'syncRead', { value: saved[i], configurable: true, writable: true });
      });
    },
  };
}
