// PyTorch parity: replays the committed fixtures in test/fixtures/torch/*.json on every registered
// backend, checking each op's output and the gradient of every input against float64 PyTorch.
// Needs no Python; regenerate the fixtures with `python3 scripts/torch_fixtures.py`, which also
// documents their format.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/torch_parity.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as T from '../src/index.js';
import { fixtureDir, loadFamilies } from './fixture_files.js';
import { DEVICES, deviceReady, settleReads } from './helpers.js';
import { type Case, checkCase, checkStats, MIXED_OPS, OPS } from './torch_parity_kit.js';

/**
 * Cases that fail because of a known bug in tessera, with the reason. The lead removes an entry
 * once the bug is fixed; these cases still run (as todo) so their current error stays visible.
 */
const KNOWN_FAILURES: Record<string, string> = {};

// ---- the suite ------------------------------------------------------------------------------

const FIXTURES = fixtureDir('torch');
const families = loadFamilies<Case>(FIXTURES);

test('torch fixtures are present and every op has a tessera mapping', () => {
  assert.ok(families.length > 0, `no fixtures in ${FIXTURES}: run python3 scripts/torch_fixtures.py`);
  const unmapped = families.flatMap(({ cases }) => cases.map((c) => c.op)).filter((op) => !(op in OPS) && !(op in MIXED_OPS));
  assert.deepEqual([...new Set(unmapped)], [], 'ops in the fixtures without an entry in OPS or MIXED_OPS');
  const names = families.flatMap(({ cases }) => cases.map((c) => c.name));
  const stale = Object.keys(KNOWN_FAILURES).filter((n) => !names.includes(n));
  assert.deepEqual(stale, [], 'KNOWN_FAILURES entries that name no fixture case');
});

for (const backend of DEVICES) {
  describe(`torch parity [${backend}]`, () => {
    for (const { family, cases } of families) {
      describe(family, () => {
        for (const c of cases) {
          const todo = KNOWN_FAILURES[c.name];
          test(c.name, todo === undefined ? {} : { todo }, async (t) => {
            if (!(await deviceReady(backend, t))) return;
            T.setDefaultDevice(backend);
            T.manualSeed(0);
            try {
              if (c.stats !== undefined) checkStats(c, backend);
              else checkCase(c, backend);
              await settleReads();
            } catch (err) {
              // name the case and backend also when tessera itself throws
              if (err instanceof assert.AssertionError || !(err instanceof Error)) throw err;
              throw new Error(`${c.name} [${backend}]: ${err.message}`, { cause: err });
            }
          });
        }
      });
    }
  });
}
