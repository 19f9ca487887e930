// The device a CLI command computes on: `--device cpu|webgpu[:N]` or the config's `device` key.
// 'cpu' needs nothing; a WebGPU device is registered on first use (Dawn for Node, the optional
// `webgpu` package), with an error that says what to install when it is unavailable. Data is read
// and preprocessed on the CPU; the model is moved to the device and the Trainer moves each batch
// there, so a run on a GPU starts from the same seeded weights as on the CPU.

import type { Device } from '../backend/device.js';
import { getDevice, listDevices } from '../backend/registry.js';
import { noGrad } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { UsageError } from './errors.js';

/** Device names the CLI accepts: 'cpu', 'webgpu', 'webgpu:0', 'webgpu:1', ... ('reference': the slow test oracle). */
export const DEVICE_PATTERN = /^(cpu|reference|webgpu(:\d+)?)$/;

/** The Vulkan driver Dawn needs on Linux without a GPU. */
const LAVAPIPE = 'a Vulkan driver: Mesa lavapipe >= 25 (`apt-get install -t bookworm-backports mesa-vulkan-drivers` on Debian bookworm)';

/** What to install for WebGPU in Node, for error messages. */
export const WEBGPU_INSTALL = `install Dawn for Node with \`npm install webgpu\`; on Linux without a GPU, ${LAVAPIPE}`;

/**
 * Whether `name` is a device name the CLI accepts (checked before any work starts).
 * @example isDeviceName('webgpu:1') // true
 */
export function isDeviceName(name: string): boolean {
  return DEVICE_PATTERN.test(name);
}

/**
 * The value of a `--device` option, checked (a UsageError for a malformed name), or undefined when absent.
 * @example deviceOption('train', 'webgpu') // 'webgpu'
 */
export function deviceOption(command: string, value: string | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isDeviceName(value)) {
    throw new UsageError(`--device must be cpu or webgpu (webgpu:N for the Nth adapter), got ${JSON.stringify(value)}`, command);
  }
  return value;
}

/**
 * The device named `name`, registering WebGPU first when asked for it. `from` says where the name
 * came from in errors ('--device', 'config.device'). Throws a UsageError for a malformed name and
 * an Error naming what to install when WebGPU is unavailable.
 * @example const dev = await openDevice('webgpu', '--device'); dev.name // 'webgpu'
 */
export async function openDevice(name: string, from = '--device'): Promise<Device> {
  if (!isDeviceName(name)) {
    throw new UsageError(`${from} must be cpu or webgpu (webgpu:N for the Nth adapter), got ${JSON.stringify(name)}`);
  }
  if (name.startsWith('webgpu')) await registerGpu(name, from);
  return getDevice(name, from);
}

/** The adapter index of 'webgpu' (0) or 'webgpu:N'. */
function adapterIndex(name: string): number {
  return name === 'webgpu' ? 0 : Number(name.slice('webgpu:'.length));
}

async function registerGpu(name: string, from: string): Promise<void> {
  const index = adapterIndex(name);
  if (listDevices().includes(index === 0 ? 'webgpu' : name)) return;
  const { registerWebGpu } = await import('../backend/webgpu/register.js');
  try {
    await registerWebGpu({ adapter: index });
  } catch (err) {
    throw new Error(`${from} ${name}: ${unavailable(err)}`);
  }
}

/** Why WebGPU is unavailable and what to install, from registerWebGpu's error. */
function unavailable(err: unknown): string {
  const reason = (err instanceof Error ? err.message : String(err)).replace(/^webgpu: /, '');
  const missing = /npm install webgpu/.test(reason) ? `; on Linux without a GPU it also needs ${LAVAPIPE}` : `; ${WEBGPU_INSTALL}`;
  const hint = /mesa-vulkan-drivers|no adapter 'webgpu:/.test(reason) ? '' : missing;
  return `WebGPU is not available: ${reason}${hint}`;
}

/** One row of `tessera info --devices`. */
export interface DeviceRow {
  name: string;
  available: boolean;
  /** What computes there: the kernels, the WebGPU adapter's name, or why it is unavailable and what to install. */
  detail: string;
}

/**
 * The devices to compute on: cpu, and one row per WebGPU adapter ('webgpu', 'webgpu:1', ...) with
 * its name, or a 'webgpu' row saying why there is none and what to install.
 * @example await deviceRows() // [{ name: 'cpu', ... }, { name: 'webgpu', available: true, detail: 'WebGPU adapter: vulkan: llvmpipe ...' }]
 */
export async function deviceRows(): Promise<DeviceRow[]> {
  const rows: DeviceRow[] = [{ name: 'cpu', available: true, detail: 'WebAssembly SIMD kernels on the CPU' }];
  try {
    const { listWebGpuAdapters } = await import('../backend/webgpu/register.js');
    const adapters = await listWebGpuAdapters();
    for (const [i, a] of adapters.entries())
      rows.push({ name: i === 0 ? 'webgpu' : `webgpu:${i}`, available: true, detail: `WebGPU adapter: ${a}` });
  } catch (err) {
    rows.push({ name: 'webgpu', available: false, detail: unavailable(err) });
  }
  return rows;
}

/**
 * The WebGPU adapter's name ('llvmpipe: Mesa 25.0.7 ...', or vendor and architecture), or null
 * when `device` is not a WebGPU device.
 * @example adapterName(await openDevice('webgpu')) // 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)'
 */
export function adapterName(device: Device): string | null {
  const info = (device as { adapter?: { info?: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>> } }).adapter
    ?.info;
  if (info === undefined) return null;
  const parts = [info.description, info.device, [info.vendor, info.architecture].filter(Boolean).join(' ')];
  return parts.find((p) => typeof p === 'string' && p.trim() !== '')?.trim() ?? 'unnamed adapter';
}

/**
 * `model.forward(x)` without gradients, with `x` moved to the model's device first (data is read
 * on the CPU; the model may live on a GPU).
 * @example const out = forwardOn(model, xb); await out.data()
 */
export function forwardOn(model: Module, x: Tensor): Tensor {
  const first = model.parameters()[0] ?? model.buffers()[0];
  const device = first?.storage.device;
  return noGrad(() => model.forward(device === undefined || x.storage.device === device ? x : x.to(device)));
}
