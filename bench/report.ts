// Turning measurements into the printed table (figures, ratios, agreement of results) and into the
// JSON record written to bench/results/latest.json.

import { type CaseSpec, higherIsBetter, metricValue } from './cases.js';
import type { Result } from './runner.js';

/** One case's row on one tessera device: its spec and one result per column (runner name). */
export interface Row {
  spec: CaseSpec;
  /** The device tessera ran on ('cpu', 'webgpu'); the peers' columns are theirs (the CPU). */
  device: string;
  results: Map<string, Result>;
}

/** Results whose relative checksum difference exceeds this are flagged as disagreeing. */
const AGREE_TOL = 1e-3;
/** A cell whose interquartile range exceeds this fraction of its median is marked noisy ('*'). */
const NOISY = 0.1;

/** 3 significant digits, without exponent notation for the usual range. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 10) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toPrecision(2);
}

/** Text of one cell: the figure in the case's metric, or why there is none. */
export function cellText(spec: CaseSpec, r: Result | undefined): string {
  if (r === undefined) return 'n/a';
  if (r.status !== 'ok') return r.status === 'skipped' ? r.reason : r.status;
  return fmtNum(metricValue(spec, r.stats.medianMs)) + (r.stats.spread > NOISY ? '*' : '');
}

/** tessera's speed over the peer's (peer time / tessera time): > 1 means tessera is faster. */
export function ratio(row: Row, peer: string): number | null {
  const t = row.results.get('tessera');
  const p = row.results.get(peer);
  if (t?.status !== 'ok' || p?.status !== 'ok') return null;
  return p.stats.medianMs / t.stats.medianMs;
}

/** Columns whose checksum differs from the baseline (tessera, else the first that ran). */
export function disagreements(row: Row): { baseline: string | null; differ: { name: string; rel: number }[] } {
  const ok = [...row.results].filter(([, r]) => r.status === 'ok') as [string, Extract<Result, { status: 'ok' }>][];
  const base = ok.find(([n]) => n === 'tessera') ?? ok[0];
  if (base === undefined) return { baseline: null, differ: [] };
  const differ: { name: string; rel: number }[] = [];
  for (const [name, r] of ok) {
    const rel = Math.abs(r.checksum - base[1].checksum) / Math.max(Math.abs(base[1].checksum), 1e-30);
    if (rel > AGREE_TOL) differ.push({ name, rel });
  }
  return { baseline: base[0], differ };
}

function pad(s: string, w: number, right: boolean): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

/** The table as text: one row per case, figures per column, then tessera's ratio to each peer. */
export function formatTable(rows: readonly Row[], columns: readonly string[]): string {
  const peers = columns.filter((c) => c !== 'tessera');
  const header = ['case', 'device', 'unit', ...columns, ...peers.map((p) => `vs ${p}`), 'results agree'];
  const body = rows.map((row) => {
    const { baseline, differ } = disagreements(row);
    const agree =
      baseline === null ? '-' : differ.length === 0 ? 'yes' : `NO: ${differ.map((d) => `${d.name} ${d.rel.toExponential(1)}`).join(', ')}`;
    return [
      row.spec.label,
      row.device,
      row.spec.metric,
      ...columns.map((c) => cellText(row.spec, row.results.get(c))),
      ...peers.map((p) => {
        const r = ratio(row, p);
        return r === null ? '-' : `${fmtNum(r)}x`;
      }),
      agree,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => pad(c, widths[i], i >= 3 && i < cells.length - 1))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Notes under the table: failures, unsupported ops and leaks, each once per cell. */
export function cellNotes(rows: readonly Row[]): string[] {
  const notes: string[] = [];
  for (const row of rows) {
    for (const [name, r] of row.results) {
      // peers are shared by a case's device rows: note them once, with the first row; a
      // 'tessera@DEVICE' entry is another row's result, kept for the agreement check only
      if (name.startsWith('tessera@') || (name !== 'tessera' && rows.find((r) => r.spec === row.spec) !== row)) continue;
      const who = name === 'tessera' ? `tessera on ${row.device}` : name;
      if (r.status === 'unsupported' || r.status === 'error') notes.push(`${row.spec.id} / ${who}: ${r.status}: ${r.reason}`);
      if (r.status === 'ok' && r.note) notes.push(`${row.spec.id} / ${who}: ${r.note}`);
      if (r.status === 'ok' && (r.stats.samples < 3 || r.stats.fromWarmup)) {
        const what = r.stats.fromWarmup ? 'the warm-up call(s) only' : `${r.stats.samples} sample(s)`;
        notes.push(`${row.spec.id} / ${who}: timed from ${what}: one call takes ${fmtNum(r.stats.medianMs / 1000)} s`);
      }
    }
  }
  return notes;
}

/** The JSON record of one cell: raw statistics plus the derived figures. */
function resultJson(spec: CaseSpec, r: Result): object {
  if (r.status !== 'ok') return r;
  const ms = r.stats.medianMs;
  return {
    status: 'ok',
    ...r.stats,
    value: metricValue(spec, ms),
    unit: spec.metric,
    gflops: spec.flops / (ms * 1e6),
    gbps: spec.bytes / (ms * 1e6),
    checksum: r.checksum,
    ...(r.note ? { note: r.note } : {}),
  };
}

/** The JSON record of the whole run. */
export function toJson(rows: readonly Row[], columns: readonly string[], meta: object): object {
  return {
    ...meta,
    ratioMeaning: 'tessera speed / peer speed (peer median time / tessera median time); > 1 means tessera is faster',
    columns,
    cases: rows.map((row) => ({
      id: row.spec.id,
      device: row.device,
      label: row.spec.label,
      group: row.spec.group,
      metric: row.spec.metric,
      higherIsBetter: higherIsBetter(row.spec.metric),
      flops: row.spec.flops,
      bytes: row.spec.bytes,
      results: Object.fromEntries([...row.results].map(([n, r]) => [n, resultJson(row.spec, r)])),
      ratios: Object.fromEntries(columns.filter((c) => c !== 'tessera').map((p) => [p, ratio(row, p)])),
      agreement: disagreements(row),
    })),
  };
}
