import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
let t0 = performance.now();
const gpu = create([]);
const adapter = await gpu.requestAdapter();
console.log('requestAdapter ms', (performance.now() - t0).toFixed(1));
if (!adapter) { console.log('NO ADAPTER'); process.exit(0); }
const info = adapter.info;
console.log('info', JSON.stringify({ vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description }));
const L = adapter.limits;
console.log('limits', JSON.stringify({ maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize, maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX, maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension, maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage, maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize }));
console.log('features', [...adapter.features].join(','));
t0 = performance.now();
const device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize } });
console.log('requestDevice ms', (performance.now() - t0).toFixed(1));
device.addEventListener?.('uncapturederror', (e) => console.log('uncaptured', e.error.message));
function buf(data, usage) { const b = device.createBuffer({ size: data.byteLength, usage, mappedAtCreation: true }); new Float32Array(b.getMappedRange()).set(data); b.unmap(); return b; }
async function readBack(src, bytes) { const st = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }); const e = device.createCommandEncoder(); e.copyBufferToBuffer(src, 0, st, 0, bytes); device.queue.submit([e.finish()]); await st.mapAsync(GPUMapMode.READ); const r = new Float32Array(st.getMappedRange().slice(0)); st.unmap(); st.destroy(); return r; }
const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
// add
const N = 1 << 20;
const a = new Float32Array(N).map((_, i) => i), b = new Float32Array(N).map((_, i) => 2 * i);
const ba = buf(a, S), bb = buf(b, S), bo = device.createBuffer({ size: N * 4, usage: S });
t0 = performance.now();
const addMod = device.createShaderModule({ code: `@group(0) @binding(0) var<storage, read> a: array<f32>; @group(0) @binding(1) var<storage, read> b: array<f32>; @group(0) @binding(2) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) g: vec3u) { if (g.x < arrayLength(&o)) { o[g.x] = a[g.x] + b[g.x]; } }` });
const addP = device.createComputePipeline({ layout: 'auto', compute: { module: addMod, entryPoint: 'main' } });
console.log('add pipeline ms', (performance.now() - t0).toFixed(1));
for (let rep = 0; rep < Number(process.env.ADDREPS ?? 3); rep++) {
t0 = performance.now();
const bg = device.createBindGroup({ layout: addP.getBindGroupLayout(0), entries: [ba, bb, bo].map((buffer, binding) => ({ binding, resource: { buffer } })) });
const e = device.createCommandEncoder(); const p = e.beginComputePass(); p.setPipeline(addP); p.setBindGroup(0, bg); p.dispatchWorkgroups(N / 256); p.end(); device.queue.submit([e.finish()]);
console.log("submitted", rep); const r = await readBack(bo, N * 4); console.log("read", rep);
let ok = true; for (let i = 0; i < N; i++) if (r[i] !== 3 * i) { ok = false; break; }
console.log(`add 1M + readback ms ${(performance.now() - t0).toFixed(1)} ok=${ok}`);
}
// naive matmul
for (const M of [256, 512]) {
const A = new Float32Array(M * M).map(() => Math.random() - 0.5), B = new Float32Array(M * M).map(() => Math.random() - 0.5);
const bA = buf(A, S), bB = buf(B, S), bC = device.createBuffer({ size: M * M * 4, usage: S });
const mod = device.createShaderModule({ code: `@group(0) @binding(0) var<storage, read> a: array<f32>; @group(0) @binding(1) var<storage, read> b: array<f32>; @group(0) @binding(2) var<storage, read_write> c: array<f32>;
const M = ${M}u; @compute @workgroup_size(16, 16) fn main(@builtin(global_invocation_id) g: vec3u) { let i = g.y; let j = g.x; if (i >= M || j >= M) { return; } var s = 0.0; for (var k = 0u; k < M; k++) { s += a[i * M + k] * b[k * M + j]; } c[i * M + j] = s; }` });
const P = device.createComputePipeline({ layout: 'auto', compute: { module: mod, entryPoint: 'main' } });
const bg = device.createBindGroup({ layout: P.getBindGroupLayout(0), entries: [bA, bB, bC].map((buffer, binding) => ({ binding, resource: { buffer } })) });
for (let rep = 0; rep < 2; rep++) {
t0 = performance.now();
const e = device.createCommandEncoder(); const p = e.beginComputePass(); p.setPipeline(P); p.setBindGroup(0, bg); p.dispatchWorkgroups(M / 16, M / 16); p.end(); device.queue.submit([e.finish()]);
const C = await readBack(bC, M * M * 4);
const ms = performance.now() - t0;
let maxErr = 0; for (let t = 0; t < 200; t++) { const i = (t * 37) % M, j = (t * 91) % M; let s = 0; for (let k = 0; k < M; k++) s += A[i * M + k] * B[k * M + j]; maxErr = Math.max(maxErr, Math.abs(s - C[i * M + j])); }
console.log(`matmul ${M} ms ${ms.toFixed(1)} GFLOP/s ${(2 * M ** 3 / ms / 1e6).toFixed(2)} maxErr ${maxErr.toExponential(2)}`);
}
}
console.log('done; destroying device:', process.argv[2] ?? 'no-destroy');
if (process.argv[2] === 'destroy') device.destroy();
// Dawn's instance (`gpu`) must stay reachable while its adapter and device are used: a collected
// instance crashes the process (docs/webgpu-notes.md, "Stability"). This use keeps it alive.
console.log('instance held to the end:', typeof gpu.requestAdapter);
