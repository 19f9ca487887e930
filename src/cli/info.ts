// `tessera info <model-dir>`: a saved model's architecture with parameter counts, its preprocessing
// (models trained on tables), its metadata (with the epoch whose weights were saved and their
// metrics), and its files with sizes, after verifying the weights' size and SHA-256 against model.json.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModelFiles, MODEL_JSON } from '../index.js';
import { parseCommand } from './args.js';
import { type DataSource, sourceToString } from './data.js';
import { deviceRows } from './device.js';
import { formatBytes, formatMetrics, print, table } from './format.js';
import { INFO_HELP } from './help.js';
import { describePreprocessing } from './preprocessing.js';
import { openSavedModel } from './saved.js';

/** Runs `tessera info`; returns the exit code. */
export async function infoCommand(argv: string[]): Promise<number> {
  if (argv.includes('--devices')) {
    const args = parseCommand(
      { command: 'info', options: { devices: { type: 'boolean' }, json: { type: 'boolean' } }, positionals: [] },
      argv,
    );
    return args.help ? print(INFO_HELP) : devicesInfo(args.values.json === true);
  }
  const args = parseCommand({ command: 'info', options: { json: { type: 'boolean' } }, positionals: ['<model-dir>'] }, argv);
  if (args.help) return print(INFO_HELP);
  const dir = args.positionals[0];
  const saved = await openSavedModel(dir, 'info');
  const { manifest } = await loadModelFiles(dir); // throws if the weights' size or checksum is off
  const files = await Promise.all(
    [MODEL_JSON, manifest.weights.file].map(async (name) => ({ name, bytes: (await stat(join(dir, name))).size })),
  );
  const { model } = saved;
  const info = {
    dir,
    format: `${manifest.format} v${manifest.version}`,
    parameters: model.numParameters(),
    trainableParameters: model.numParameters({ trainableOnly: true }),
    architecture: model.toString(),
    preprocessing: saved.preprocessing === null ? null : describePreprocessing(saved.preprocessing),
    inputShape: saved.inputShape,
    classes: saved.classes,
    metadata: manifest.metadata,
    files: files.map((f) =>
      f.name === manifest.weights.file ? { ...f, sha256: manifest.weights.sha256, tensors: manifest.weights.tensors, verified: true } : f,
    ),
  };
  if (args.values.json) return print(JSON.stringify(info, null, 2));
  const lines = [`Model ${dir} (${info.format})`, '', 'Architecture:', model.toString(), ''];
  if (saved.preprocessing !== null)
    lines.push('Preprocessing (applied to raw rows by predict):', `  ${describePreprocessing(saved.preprocessing)}`, '');
  const meta = Object.entries(manifest.metadata);
  if (meta.length > 0) {
    lines.push('Metadata:', table(meta.map(([k, v]) => [`  ${k}`, describeMeta(k, v)])), '');
  }
  lines.push(
    'Files:',
    table(
      files.map((f) => [
        `  ${f.name}`,
        formatBytes(f.bytes),
        f.name === manifest.weights.file
          ? `${manifest.weights.tensors} tensors, sha256 ${manifest.weights.sha256.slice(0, 16)}... verified`
          : '',
      ]),
    ),
  );
  return print(lines.join('\n'));
}

/** Lists the devices (cpu, the WebGPU adapters, or why there are none). */
async function devicesInfo(json: boolean): Promise<number> {
  const rows = await deviceRows();
  if (json) return print(JSON.stringify({ devices: rows }, null, 2));
  return print(['Devices:', table(rows.map((r) => [`  ${r.name}`, r.available ? 'available' : 'unavailable', r.detail]))].join('\n'));
}

/** A metadata value on one line: names listed, metrics formatted, other JSON as is (cut when long). */
function describeMeta(key: string, value: unknown): string {
  if (key === 'config' && typeof value === 'object') return `the training config (${MODEL_JSON} has it in full)`;
  if (key === 'results' && typeof (value as { epoch?: unknown } | null)?.epoch === 'number') return describeResults(value as Results);
  const source = (value as { source?: { kind?: unknown } } | null)?.source;
  if (key === 'data' && typeof source?.kind === 'string')
    return `${sourceToString(source as DataSource)}${(value as { flatten?: boolean }).flatten ? ', flattened' : ''}`;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string'))
    return Object.entries(value)
      .map(([k, v]) => `${k} (${v})`)
      .join(', ');
  if (isNumbers(value)) return formatMetrics(value);
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => v === null || isNumbers(v))
  ) {
    return Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}: ${formatMetrics(v as Record<string, number>)}`)
      .join('; ');
  }
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function isNumbers(value: unknown): value is Record<string, number> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'number');
}

/** `metadata.results` of `tessera train`: which epoch's weights were saved, and their metrics. */
interface Results {
  epoch: number;
  epochsRun?: number;
  restored?: boolean;
  final?: Record<string, number> | null;
  test?: Record<string, number> | null;
}

/** 'weights of epoch 4 of 12 (restored by early stopping); final: loss 0.52 ...; test: ...' */
function describeResults(r: Results): string {
  const of = typeof r.epochsRun === 'number' ? ` of ${r.epochsRun}` : '';
  const parts = [`weights of epoch ${r.epoch}${of}${r.restored ? ' (restored by early stopping)' : ''}`];
  if (isNumbers(r.final)) parts.push(`final: ${formatMetrics(r.final)}`);
  if (isNumbers(r.test)) parts.push(`test: ${formatMetrics(r.test)}`);
  return parts.join('; ');
}
