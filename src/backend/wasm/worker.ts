// Entry point of one thread-pool worker. In Node it reads its WorkerInit from workerData; in a
// browser it runs as a module Worker (dist/browser/worker.js, beside the bundle) and receives it as
// its first message. All the work happens in protocol.ts's `serve`, which never allocates on the
// tensor heap.

import { serve, type WorkerInit } from './protocol.js';

interface NodeWorkerThreads {
  workerData: WorkerInit;
}

const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
const wt = proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
if (wt !== undefined) {
  serve(wt.workerData);
} else {
  const scope = globalThis as unknown as { onmessage: ((e: { data: WorkerInit }) => void) | null };
  scope.onmessage = (e) => {
    scope.onmessage = null;
    serve(e.data);
  };
}
