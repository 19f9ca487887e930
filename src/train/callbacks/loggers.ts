// Epoch logs to files (Node.js). Both loggers keep their rows in memory and rewrite the whole file
// atomically after each epoch (writeFileAtomic: temporary file, fsync, rename, fsync the folder), so
// after a kill or a power loss at any instant the file holds the rows up to the last epoch or up to
// the one before, never a torn row (an appended row could be cut short mid-write). The rewrite costs
// O(epochs) bytes per epoch, nothing next to an epoch of training. With `append`, both keep the
// rows of earlier epochs and drop those from the epoch a run resumes at onwards (rows a crashed run
// wrote after its last checkpoint).

import { writeFileAtomic } from '../../io/atomic.js';
import { nodeModules } from '../../io/node.js';
import type { Callback, Logs, TrainingParams } from './callback.js';

export interface CSVLoggerOptions {
  /** Column separator. Default ','. */
  separator?: string;
  /** Continue an existing file instead of starting over. Default false. */
  append?: boolean;
}

/**
 * Writes `epoch,loss,accuracy,val_loss,...` rows to a CSV file, one per epoch (epochs from 0, as Keras).
 * Columns are fixed by the first epoch written; values missing later are written as NA.
 *
 * @example await trainer.fit(x, y, { epochs: 10, callbacks: [new CSVLogger('runs/log.csv')] });
 */
export class CSVLogger implements Callback {
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  /** The file's lines (header first), rewritten whole after each epoch. */
  private lines: string[] = [];
  private initialEpoch = 0;

  constructor(
    readonly file: string,
    options: CSVLoggerOptions = {},
  ) {
    if (typeof file !== 'string' || file === '') throw new TypeError('CSVLogger: file must be a non-empty path');
    this.separator = options.separator ?? ',';
    this.append = options.append ?? false;
  }

  setTrainer(_trainer: unknown, params: TrainingParams): void {
    this.initialEpoch = params.initialEpoch;
  }

  async onTrainBegin(): Promise<void> {
    const { fs } = await nodeModules('CSVLogger');
    this.keys = null;
    this.lines = [];
    const old = this.append ? await fs.readFile(this.file, 'utf8').catch(() => '') : '';
    const lines = old.split('\n').filter((l) => l !== '');
    if (lines.length > 0) {
      const header = lines[0].split(this.separator).map(unquote);
      if (header[0] !== 'epoch') throw new Error(`CSVLogger: ${this.file} does not start with an 'epoch' column; not a CSVLogger file`);
      this.keys = header.slice(1);
      this.lines = [lines[0], ...lines.slice(1).filter((l) => Number(l.split(this.separator)[0]) < this.initialEpoch)];
    }
    await this.write();
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.keys === null) {
      this.keys = Object.keys(logs);
      this.lines.push(['epoch', ...this.keys].map((k) => this.quote(k)).join(this.separator));
    }
    this.lines.push([String(epoch), ...this.keys.map((k) => (k in logs ? String(logs[k]) : 'NA'))].join(this.separator));
    await this.write();
  }

  private write(): Promise<void> {
    return writeFileAtomic(this.file, this.lines.map((l) => `${l}\n`).join(''), { mkdir: true });
  }

  private quote(s: string): string {
    return s.includes(this.separator) || s.includes('"') ? `"${s.replaceAll('"', '""')}"` : s;
  }
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replaceAll('""', '"') : s;
}

export interface JSONLoggerOptions {
  /** Continue an existing file instead of starting over. Default false. */
  append?: boolean;
}

/**
 * Keeps a JSON array of epoch logs, `[{ "epoch": 0, "loss": 0.61, ... }, ...]`, rewritten atomically
 * after each epoch. Non-finite values are written as null (JSON has no NaN).
 *
 * @example await trainer.fit(x, y, { epochs: 10, callbacks: [new JSONLogger('runs/log.json')] });
 */
export class JSONLogger implements Callback {
  readonly append: boolean;
  /** The entries written so far. */
  entries: ({ epoch: number } & Logs)[] = [];
  private initialEpoch = 0;

  constructor(
    readonly file: string,
    options: JSONLoggerOptions = {},
  ) {
    if (typeof file !== 'string' || file === '') throw new TypeError('JSONLogger: file must be a non-empty path');
    this.append = options.append ?? false;
  }

  setTrainer(_trainer: unknown, params: TrainingParams): void {
    this.initialEpoch = params.initialEpoch;
  }

  async onTrainBegin(): Promise<void> {
    const { fs } = await nodeModules('JSONLogger');
    this.entries = [];
    if (!this.append) return;
    const text = await fs.readFile(this.file, 'utf8').catch(() => null);
    if (text === null) return;
    let old: unknown;
    try {
      old = JSON.parse(text);
    } catch (e) {
      throw new Error(`JSONLogger: ${this.file} is not valid JSON (${(e as Error).message}); remove it or pass append: false`);
    }
    if (!Array.isArray(old)) throw new Error(`JSONLogger: ${this.file} does not hold a JSON array of epoch logs`);
    this.entries = old.filter((e) => typeof e?.epoch === 'number' && e.epoch < this.initialEpoch);
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    this.entries.push({ epoch, ...logs });
    await writeFileAtomic(this.file, `${JSON.stringify(this.entries, null, 1)}\n`, { mkdir: true });
  }
}
