// tessera for browsers: the entry point scripts/build-browser.mjs bundles into dist/browser/tessera.js
// (with dist/browser/worker.js, the CPU device's thread-pool worker, beside it). It exports the same
// names as the Node entry (index.ts), so code moves between the two unchanged:
//
//   - the engine, nn, optim, train (fit, callbacks, metrics), in-memory data (Table.fromColumns,
//     TensorDataset, DataLoader, transforms, decodeIdx/gunzip on fetched bytes) and byte-level io
//     (encodeSafetensors...) work as in Node;
//   - what needs Node.js (files, DuckDB's readCsv/query, PNG rendering through resvg) is exported
//     too and throws an error naming the browser alternative; none of it loads with the bundle.
//
// The CPU device runs its thread pool on module Workers when the page is cross-origin isolated
// (served with `Cross-Origin-Opener-Policy: same-origin` and
// `Cross-Origin-Embedder-Policy: require-corp`); otherwise on one thread, and it says so once.
//
// The GPU: `await registerWebGpu()` (from index.ts) registers the 'webgpu' device on the page's `navigator.gpu`
// (a secure context: https or http://127.0.0.1 / localhost; Chromium 113+ and other WebGPU
// browsers); the `webgpu` npm package is Node's, and the bundle never loads it.

export { runningThreads } from './backend/wasm/pool.js';
export * from './index.js';
