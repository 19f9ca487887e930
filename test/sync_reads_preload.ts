// Preloaded into a `tessera` child process (node --import dist/test/sync_reads_preload.js ...):
// refuses synchronous tensor reads for the whole run (see sync_reads.ts), and when
// TESSERA_TEST_ENGINE_READS names a file, writes there the engine's own reads it let through.

import { writeFileSync } from 'node:fs';
import { refuseSyncReads } from './sync_reads.js';

const log = process.env.TESSERA_TEST_ENGINE_READS;
if (log) {
  const refusal = refuseSyncReads();
  process.on('exit', () => writeFileSync(log, JSON.stringify(Object.fromEntries(refusal.engineReads))));
}
