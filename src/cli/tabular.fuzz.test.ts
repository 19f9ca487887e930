// `tessera train` and `tessera predict` (in-process, through main) on random CSV files with random
// defects: stray words and missing tokens in number columns, quoted delimiters and line breaks in a
// text column, CRLF, a BOM, ragged rows, onBadValue error or missing. The oracle knows what it wrote:
// a ragged row or (onBadValue: error) a stray word must end the run with exit 1 and an error naming
// the file and the line (and the column and value); otherwise training ends with exit 0, the number
// columns stay numbers (2 + one feature per category), coercions are reported with their count, and
// predict scores every row or names the line of its first bad value. Never a crash or a hang.
//
//   CI: seed 20261207, 6 configs   scripts/fuzz.sh: TESSERA_FUZZ_SCALE x as many, any seed

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fc, fuzzParams, outcome } from '../../test/fuzz.js';
import { main } from './main.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-cli-fuzz-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs main(argv) with stdout and stderr captured. */
async function tessera(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const r = await outcome(() => main(argv), 30_000);
    if ('error' in r) throw r.error; // main catches its errors: anything escaping is a crash
    return { code: r.ok, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

const CITIES = ['Oslo', 'Rome', 'São Paulo', 'a,b', 'say "hi"', 'two\nlines', '東京'];
const STRAY = ['thirty', 'n.a.', 'true', '--'];
const MISSING = ['', 'NA', 'null', '?'];

interface Spec {
  n: number;
  x: string[];
  z: string[];
  city: string[];
  /** Rows of x and z given a stray word: [row, column 0 (x) or 1 (z), word]. */
  stray: [number, number, string][];
  crlf: boolean;
  bom: boolean;
  ragged: number;
  onBadValue: 'error' | 'missing';
}

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 20, max: 40 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    x: fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -500, max: 500 }).map(String) }, fc.constantFrom(...MISSING)), {
      minLength: n,
      maxLength: n,
    }),
    z: fc.array(
      fc.integer({ min: 0, max: 9999 }).map((v) => (v / 100).toFixed(2)),
      { minLength: n, maxLength: n },
    ),
    city: fc.array(fc.constantFrom(...CITIES), { minLength: n, maxLength: n }),
    stray: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: 1 }), fc.constantFrom(...STRAY)), {
      maxLength: 2,
      selector: ([r, c]) => `${r},${c}`,
    }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    ragged: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, fc.integer({ min: 0, max: n - 1 })),
    onBadValue: fc.constantFrom<'error' | 'missing'>('error', 'missing'),
  }),
);

const field = (t: string) => (/[,"\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t);

/** The CSV text and each data row's line (header line 1), with labels yes/no alternating. */
function render(s: Spec, withLabel = true): { text: string; lines: number[] } {
  const nl = s.crlf ? '\r\n' : '\n';
  const rows = [withLabel ? 'x,z,city,label' : 'x,z,city'];
  const lines: number[] = [];
  let line = 2;
  for (let i = 0; i < s.n; i++) {
    const cells = [s.x[i], s.z[i], s.city[i]];
    for (const [r, c, w] of s.stray) if (r === i) cells[c] = w;
    const texts = cells.map(field);
    if (withLabel) texts.push(i % 2 === 0 ? 'yes' : 'no');
    if (i === s.ragged) texts.push('extra');
    const text = texts.join(',');
    lines.push(line);
    line += 1 + (text.match(/\n/g)?.length ?? 0);
    rows.push(text);
  }
  return { text: `${s.bom ? '\ufeff' : ''}${rows.join(nl)}${nl}`, lines };
}

/** The first stray word in file order: [line, column, word], or null. */
function firstStray(s: Spec, lines: number[]): [number, string, string] | null {
  const sorted = [...s.stray].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return sorted.length === 0 ? null : [lines[sorted[0][0]], sorted[0][1] === 0 ? 'x' : 'z', sorted[0][2]];
}

let runNo = 0;

test('tessera train and predict on random CSVs with random defects: a model, or exit 1 naming file and line (oracle: the generated rows)', async () => {
  await fc.assert(
    fc.asyncProperty(specArb, async (s) => {
      const k = runNo++;
      const { text, lines } = render(s);
      const data = join(tmp, `train${k}.csv`);
      writeFileSync(data, text);
      const out = join(tmp, `model${k}`);
      const cfg = join(tmp, `c${k}.yaml`);
      writeFileSync(
        cfg,
        `seed: 0\ndata: { source: csv, path: ${JSON.stringify(data)}, target: label, onBadValue: ${s.onBadValue} }\n` +
          `model: { preset: mlp, hidden: [4] }\noptimizer: { type: adam, lr: 0.01 }\nepochs: 1\noutput: ${JSON.stringify(out)}\n`,
      );
      const r = await tessera(['train', cfg, '--quiet']);
      const context = `config ${s.onBadValue}, file:\n${text}\nstderr: ${r.stderr}`;
      assert.doesNotMatch(r.stderr, /TypeError|RangeError: Invalid|Cannot read propert|at .*\.js:\d+/, context);
      const stray = firstStray(s, lines);
      if (s.ragged >= 0 && (stray === null || s.onBadValue === 'missing' || lines[s.ragged] <= stray[0])) {
        assert.equal(r.code, 1, context);
        assert.ok(r.stderr.includes(`${data} line ${lines[s.ragged]}: expected 4 fields, found 5`), context);
        return;
      }
      if (s.ragged >= 0) {
        assert.equal(r.code, 1, context); // a ragged row or a stray word: either names its line
        assert.match(r.stderr, new RegExp(`line (${lines[s.ragged]}|${stray?.[0]}):`), context);
        return;
      }
      if (stray !== null && s.onBadValue === 'error') {
        assert.equal(r.code, 1, context);
        assert.ok(
          r.stderr.includes(`${data} line ${stray[0]}: column '${stray[1]}': ${JSON.stringify(stray[2])} is not a number`),
          context,
        );
        return;
      }
      assert.equal(r.code, 0, context);
      assert.ok(existsSync(join(out, 'model.json')), context);
      const meta = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).metadata;
      assert.deepEqual(meta.inputTypes, { x: 'number', z: 'number', city: 'string' }, context);
      assert.equal(meta.features.length, 2 + new Set(s.city).size, context); // no number column one-hot encoded
      for (const col of ['x', 'z'] as const) {
        const count = s.stray.filter(([, c]) => (c === 0 ? 'x' : 'z') === col).length;
        if (count > 0)
          assert.match(
            r.stderr,
            new RegExp(`column '${col}': ${count} values? that (is|are) not (a number|numbers) read as missing`),
            context,
          );
      }

      // predict on the same rows with the label dropped, and one stray word more
      const p = { ...s, stray: [...s.stray, [s.n - 1, 1, 'oops'] as [number, number, string]], ragged: -1 };
      const { text: ptext, lines: plines } = render(p, false);
      const rows = join(tmp, `rows${k}.csv`);
      writeFileSync(rows, ptext);
      const pr = await tessera(['predict', out, rows, '--json']);
      const pctx = `predict file:\n${ptext}\nstderr: ${pr.stderr}`;
      if (s.onBadValue === 'error') {
        assert.equal(pr.code, 1, pctx);
        assert.ok(pr.stderr.includes(`${rows} line ${plines[s.n - 1]}: column 'z': "oops" is not a number`), pctx);
      } else {
        assert.equal(pr.code, 0, pctx);
        assert.equal(JSON.parse(pr.stdout).predictions.length, s.n, pctx);
        assert.match(pr.stderr, /column 'z': \d+ values? that (is|are) not/, pctx);
      }
    }),
    fuzzParams(6),
  );
});
