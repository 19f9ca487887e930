// Loading a table of numbers into a training tensor: tessera (through DuckDB) beside csv-parse.
// A seeded table of N rows x 20 numeric columns is written once as CSV and as Parquet under
// bench/results/data_load/; each contender then loads it into a float32 (N, 20) tensor with
// standardised columns, in a child process of its own (bench/data_load/contenders.ts), several
// times. Prints medians of time, rows/s and peak RSS, and speed ratios against csv-parse; writes
// bench/results/data_load.json.
//
//   npm run build && node dist/bench/data_load.js                 # 1,000,000 rows, 5 runs each (about 1-2 minutes)
//   node dist/bench/data_load.js --rows=100000 --repeats=5       # a quick run
//   node dist/bench/data_load.js --only=tessera-csv,csv-parse
//
// danfo.js is not a contender: it does not install here (its dependency xlsx is fetched from
// cdn.sheetjs.com, which this machine cannot reach).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { query } from '../src/data/sources/duckdb.js';
import { quoteString } from '../src/data/sources/sql.js';
import { CONTENDERS, type Contender } from './data_load/contenders.js';

const SEED = 42;
const BASELINE: Contender = 'csv-parse';
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Command-line options, with their defaults. */
interface Options {
  /** Rows of the generated table. */
  rows: number;
  /** Runs of each contender (the median is reported). */
  repeats: number;
  /** Contenders to run. */
  only: Contender[];
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { rows: 1_000_000, repeats: 5, only: [...CONTENDERS] };
  for (const a of argv) {
    const [k, v] = a.split('=');
    if (k === '--rows' && Number.isInteger(Number(v)) && Number(v) > 1) o.rows = Number(v);
    else if (k === '--repeats' && Number.isInteger(Number(v)) && Number(v) > 0) o.repeats = Number(v);
    else if (k === '--only' && v) o.only = v.split(',') as Contender[];
    else
      throw new Error(
        `data_load: bad argument ${a}; usage: node dist/bench/data_load.js [--rows=N] [--repeats=N] [--only=${CONTENDERS.join(',')}]`,
      );
  }
  for (const c of o.only)
    if (!CONTENDERS.includes(c)) throw new Error(`data_load: unknown contender ${c}; known: ${CONTENDERS.join(', ')}`);
  return o;
}

/** The CSV and Parquet files of `rows` rows, written once (deterministic: DuckDB's hash of row and column). */
async function ensureData(rows: number): Promise<{ csv: string; parquet: string }> {
  const dir = join(root, 'bench', 'results', 'data_load');
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, `rows_${rows}_seed_${SEED}.csv`);
  const parquet = csv.replace(/\.csv$/, '.parquet');
  if (!existsSync(csv) || !existsSync(parquet)) {
    const t0 = performance.now();
    // column j: roughly uniform on (j*10 - (j+1), j*10 + (j+1)), 6 decimals, so every column has its own mean and scale
    const cols = Array.from(
      { length: 20 },
      (_, j) => `round(((hash(i * 20 + ${j} + ${SEED}) % 2000001)::DOUBLE / 1e6 - 1) * ${j + 1} + ${j * 10}, 6) AS x${j}`,
    );
    await query(`COPY (SELECT ${cols.join(', ')} FROM range(${rows}) t(i)) TO ${quoteString(`${csv}.tmp`)} (HEADER, FORMAT CSV)`);
    await query(`COPY (SELECT * FROM read_csv(${quoteString(`${csv}.tmp`)})) TO ${quoteString(parquet)} (FORMAT PARQUET)`);
    await import('node:fs/promises').then((fs) => fs.rename(`${csv}.tmp`, csv));
    console.log(`generated ${rows} rows x 20 columns in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${csv} (+ .parquet)`);
  }
  return { csv, parquet };
}

interface Run {
  ms: number;
  rows: number;
  maxRssKb: number;
  check: number;
}

function runOnce(contender: Contender, file: string): Run {
  const script = join(here, 'data_load', 'contenders.js');
  const out = execFileSync(process.execPath, [script, `--contender=${contender}`, `--file=${file}`], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Run;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const files = await ensureData(o.rows);
  const results = new Map<Contender, Run[]>();
  for (let r = 0; r < o.repeats; r++) {
    // interleaved, so drift on a shared machine hits every contender alike
    for (const c of o.only) {
      const run = runOnce(c, c === 'tessera-parquet' ? files.parquet : files.csv);
      if (run.rows !== o.rows) throw new Error(`data_load: ${c} loaded ${run.rows} rows, expected ${o.rows}`);
      results.set(c, [...(results.get(c) ?? []), run]);
      process.stderr.write(`  ${c} run ${r + 1}: ${run.ms.toFixed(0)} ms, ${(run.maxRssKb / 1024).toFixed(0)} MB\n`);
    }
  }
  const base = results.get(BASELINE);
  const baseMs = base ? median(base.map((x) => x.ms)) : Number.NaN;
  const rows = o.only.map((c) => {
    const runs = results.get(c) as Run[];
    const ms = median(runs.map((x) => x.ms));
    return {
      contender: c,
      medianMs: ms,
      rowsPerSec: o.rows / (ms / 1000),
      speedVsCsvParse: baseMs / ms,
      peakRssMb: median(runs.map((x) => x.maxRssKb)) / 1024,
      check: runs[0].check,
      runsMs: runs.map((x) => Math.round(x.ms)),
    };
  });
  const checks = rows.map((r) => r.check);
  const agree = checks.every((c) => Math.abs(c - checks[0]) <= 1e-3 * Math.max(1, Math.abs(checks[0])));

  const fmt = (v: number, d = 0) =>
    Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-';
  console.log(
    `\nload ${o.rows.toLocaleString('en-US')} rows x 20 columns -> standardised float32 (N, 20) tensor; medians of ${o.repeats} runs`,
  );
  console.log(
    `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB\n`,
  );
  const header = ['contender', 'median ms', 'rows/s', 'x csv-parse', 'peak RSS MB', 'runs (ms)'];
  const lines = rows.map((r) => [
    r.contender,
    fmt(r.medianMs),
    fmt(r.rowsPerSec),
    fmt(r.speedVsCsvParse, 2),
    fmt(r.peakRssMb),
    r.runsMs.join(' '),
  ]);
  lines.push(['danfo.js', '-', '-', '-', '-', 'not installed: its dependency xlsx is fetched from cdn.sheetjs.com (unreachable)']);
  const widths = header.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j].length)));
  for (const l of [header, ...lines])
    console.log(
      l
        .map((c, j) => (j === 0 || j === 5 ? c.padEnd(widths[j]) : c.padStart(widths[j])))
        .join('  ')
        .trimEnd(),
    );
  console.log(
    `\nx csv-parse: speed relative to csv-parse (higher is faster). Checksums ${agree ? 'agree' : `DIFFER: ${checks.join(', ')}`}.`,
  );

  const out = join(root, 'bench', 'results', 'data_load.json');
  const meta = { rows: o.rows, repeats: o.repeats, node: process.version, cores: os.cpus().length, date: new Date().toISOString() };
  writeFileSync(
    out,
    `${JSON.stringify({ meta, results: rows, danfo: 'not installed (xlsx from cdn.sheetjs.com unreachable)' }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
  if (!agree) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
