// One contender of bench/data_load.ts, run in a child process of its own so that its peak memory
// (maxRSS) is its alone. Each loads the 20 numeric columns of the benchmark file into a float32
// (N, 20) tensor with every column standardised (z-score: (x - mean) / std with the population std,
// as scikit-learn's StandardScaler): tessera's readers through the library's own StandardScaler and
// Table.toTensor; the streaming scan and csv-parse with running sums computed while loading (a
// scaler needs the whole column before it can fit). Then prints one JSON line:
//   {"ms": load time, "rows": N, "maxRssKb": peak RSS, "check": a checksum to compare contenders}
//
//   node dist/bench/data_load/contenders.js --contender=tessera-csv --file=bench/results/data_load/rows_1000000.csv

import type { Tensor } from '../../src/core/tensor.js';
import type { Table } from '../../src/data/table.js';

/** The contenders, in report order. */
export const CONTENDERS = ['tessera-csv', 'tessera-parquet', 'tessera-scan-csv', 'csv-parse'] as const;
export type Contender = (typeof CONTENDERS)[number];

const COLS = 20;

/** Row-major float32 rows growing as they arrive, with running per-column sums for the z-score. */
class Standardizer {
  data = new Float32Array(1 << 16); // (capacity, COLS)
  rows = 0;
  readonly sum = new Float64Array(COLS);
  readonly sumSq = new Float64Array(COLS);

  /** Makes room for `n` more rows. */
  reserve(n: number): void {
    if ((this.rows + n) * COLS <= this.data.length) return;
    const bigger = new Float32Array(Math.max((this.rows + n) * COLS, this.data.length * 2));
    bigger.set(this.data.subarray(0, this.rows * COLS));
    this.data = bigger;
  }

  /** Standardises in place and returns the (rows, COLS) values. */
  finish(): Float32Array {
    const n = this.rows;
    const out = this.data.subarray(0, n * COLS);
    for (let j = 0; j < COLS; j++) {
      const mean = this.sum[j] / n;
      const std = Math.sqrt((this.sumSq[j] - n * mean * mean) / n);
      for (let i = 0; i < n; i++) out[i * COLS + j] = (out[i * COLS + j] - mean) / std;
    }
    return out;
  }
}

/** Table columns (from readCsv / readParquet / a scan batch) appended to the standardizer. */
function addTable(z: Standardizer, t: Table): void {
  z.reserve(t.numRows);
  for (let j = 0; j < COLS; j++) {
    const v = t.numbers(`x${j}`);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      z.data[(z.rows + i) * COLS + j] = x;
      s += x;
      s2 += x * x;
    }
    z.sum[j] += s;
    z.sumSq[j] += s2;
  }
  z.rows += t.numRows;
}

/** Loads `file` with `contender` into a standardised float32 (N, 20) tensor. */
async function load(contender: Contender, file: string): Promise<Tensor> {
  if (contender === 'tessera-csv' || contender === 'tessera-parquet') {
    const { readCsv, readParquet } = await import('../../src/data/sources/readers.js');
    const { StandardScaler } = await import('../../src/data/preprocess/scalers.js');
    const table = contender === 'tessera-csv' ? await readCsv(file) : await readParquet(file);
    return new StandardScaler().fitTransform(table).toTensor();
  }
  const z = new Standardizer();
  if (contender === 'tessera-scan-csv') {
    const { scanCsv } = await import('../../src/data/sources/readers.js');
    for await (const batch of scanCsv(file, { batchSize: 65536 })) addTable(z, batch);
  } else {
    // csv-parse's streaming parser, one string array per record, and a hand loop
    const { parse } = await import('csv-parse');
    const { createReadStream } = await import('node:fs');
    const parser = createReadStream(file).pipe(parse({ fromLine: 2 }));
    for await (const record of parser as AsyncIterable<string[]>) {
      z.reserve(1);
      const base = z.rows * COLS;
      for (let j = 0; j < COLS; j++) {
        const x = Number(record[j]);
        z.data[base + j] = x;
        z.sum[j] += x;
        z.sumSq[j] += x * x;
      }
      z.rows++;
    }
  }
  const { fromArray } = await import('../../src/core/exec.js');
  const values = z.finish();
  return fromArray([values.length / COLS, COLS], values);
}

async function main(): Promise<void> {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const contender = arg('contender') as Contender;
  const file = arg('file');
  if (!CONTENDERS.includes(contender) || file === undefined) {
    throw new Error(`usage: contenders.js --contender=${CONTENDERS.join('|')} --file=PATH`);
  }
  const t0 = performance.now();
  const x = await load(contender, file); // (N, 20) float32
  const ms = performance.now() - t0;
  const values = x.toTypedArray();
  let check = 0;
  for (let i = 0; i < values.length; i += 997) check += values[i];
  console.log(JSON.stringify({ ms, rows: x.shape[0], maxRssKb: process.resourceUsage().maxRSS, check }));
}

if (process.argv[1]?.endsWith('contenders.js')) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
