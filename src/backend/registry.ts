// The registry of devices: the built-in 'cpu' (the wasm heap and kernels; the default) and
// 'reference' (plain TypeScript on its own memory, the test oracle), devices registered by the
// user, and the default device that creation ops use. Each device is created on first use, so
// importing starts nothing.

import type { Device } from './device.js';
import { ReferenceDevice } from './reference/device.js';
import { CpuDevice } from './wasm/device.js';

const factories = new Map<string, () => Device>([
  ['cpu', () => new CpuDevice()],
  ['reference', () => new ReferenceDevice()],
]);
const instances = new Map<string, Device>();
/** The old backend names that now name devices. */
const ALIASES: Readonly<Record<string, string>> = { wasm: 'cpu' };
let defaultName = 'cpu';
let defaultDev: Device | null = null;

function resolveName(name: string): string {
  return ALIASES[name] ?? (name === 'webgpu:0' ? 'webgpu' : name);
}

/**
 * Makes a device available under `name`; the factory runs on first use. A name registered again
 * replaces the device for tensors created afterwards.
 * @example registerDevice('async-ref', () => new ReferenceDevice({ name: 'async-ref', syncRead: false }))
 */
export function registerDevice(name: string, factory: () => Device): void {
  if (typeof name !== 'string' || name === '') throw new TypeError(`registerDevice: name must be a non-empty string, got ${String(name)}`);
  factories.set(name, factory);
  instances.delete(name);
  if (defaultName === name) defaultDev = null;
}

/**
 * The device named `name` (created on first use). `op` names the caller in the error for an
 * unknown name, which lists the available devices.
 * @example getDevice('reference').memoryStats()
 */
export function getDevice(name: string, op = 'device'): Device {
  const key = resolveName(name);
  let d = instances.get(key);
  if (d === undefined) {
    const factory = factories.get(key);
    if (factory === undefined) {
      const gpu = /^webgpu(?::(\d+))?$/.exec(key);
      if (gpu !== null) {
        const call = gpu[1] === undefined || gpu[1] === '0' ? 'await registerWebGpu()' : `await registerWebGpu({ adapter: ${gpu[1]} })`;
        throw new Error(`${op}: device '${name}' is not registered yet: call \`${call}\` first (available: ${listDevices().join(', ')})`);
      }
      throw new Error(`${op}: unknown device '${name}' (available: ${listDevices().join(', ')})`);
    }
    d = factory();
    instances.set(key, d);
  }
  return d;
}

/** The device creation ops use when given none. */
export function defaultDevice(): Device {
  if (defaultDev === null) defaultDev = getDevice(defaultName, 'setDefaultDevice');
  return defaultDev;
}

/**
 * Chooses the device that creation ops (`tensor`, `zeros`, `randn`, ...) use when given none:
 * `'cpu'` (default: WebAssembly SIMD on every core) or `'reference'` (plain TypeScript, the test
 * oracle), or a registered one. Tensors already made stay where they are.
 * @example setDefaultDevice('reference'); zeros([2]).device // 'reference'
 */
export function setDefaultDevice(name: string): void {
  const d = getDevice(name, 'setDefaultDevice');
  defaultName = resolveName(name);
  defaultDev = d;
}

/** The name of the default device. @example getDefaultDevice() // 'cpu' */
export function getDefaultDevice(): string {
  return defaultDevice().name;
}

/** Names of the available devices. @example listDevices() // ['cpu', 'reference'] */
export function listDevices(): string[] {
  return [...factories.keys()];
}

/** @deprecated Use setDefaultDevice; 'wasm' names the 'cpu' device. @example setBackend('reference') */
export function setBackend(name: string): void {
  setDefaultDevice(name);
}

/** @deprecated Use getDefaultDevice (returns 'cpu' where this returned 'wasm'). @example getBackend() // 'cpu' */
export function getBackend(): string {
  return getDefaultDevice();
}

/** @deprecated Use listDevices. @example listBackends() // ['cpu', 'reference'] */
export function listBackends(): string[] {
  return listDevices();
}
