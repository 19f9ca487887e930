// Registers the webgpu device under 'webgpu': it asks the GPU for an adapter and
// a device (asynchronous, so not on the registry's synchronous first use), then hands the registry
// a factory returning the ready device. Nothing GPU-related is loaded until this is called.

import { registerDevice } from '../registry.js';
import { WebGpuBackend } from './backend.js';
import { WebGpuDevice } from './device.js';
import { loadGpu, WebGpuUnavailable } from './gpu.js';

let made: Promise<WebGpuDevice> | null = null;

/**
 * Makes the 'webgpu' device available (once; later calls return the same device). Rejects with a
 * WebGpuUnavailable when the `webgpu` package is missing (naming `npm install webgpu`) or no
 * adapter is found.
 * @example await registerWebGpu(); T.randn([2], { device: 'webgpu' })
 */
export function registerWebGpu(): Promise<WebGpuDevice> {
  if (made === null) {
    made = create().catch((e) => {
      made = null;
      throw e;
    });
  }
  return made;
}

async function create(): Promise<WebGpuDevice> {
  const gpu = await loadGpu();
  const adapter = await gpu.requestAdapter();
  if (adapter === null)
    throw new WebGpuUnavailable(
      'no WebGPU adapter found (on Linux without a GPU: apt-get install -t bookworm-backports mesa-vulkan-drivers)',
    );
  const L = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize },
  });
  const dev = new WebGpuDevice('webgpu', gpu, device, adapter, (d) => new WebGpuBackend(d));
  registerDevice('webgpu', () => dev);
  return dev;
}
