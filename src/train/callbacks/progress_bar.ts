// The progress display of fit and evaluate: on a terminal, a bar redrawn in place with ETA,
// samples/s and the running loss and metrics; elsewhere (logs, CI, pipes), plain lines every few
// seconds and one per epoch. `Bar` renders one pass over the data; `ProgressBar` is the callback.

import type { Callback, Logs, TrainingParams } from './callback.js';

/** Where progress goes: anything with write(), such as process.stderr. */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal: the bar is redrawn in place. */
  isTTY?: boolean;
  /** Terminal width; lines are cut to fit so that redrawing works. */
  columns?: number;
}

export interface ProgressBarOptions {
  /** Default process.stderr (console.log where there is no process). */
  stream?: ProgressStream;
  /** 'bar': a bar per epoch (fit's verbose 1); 'epoch': one line per epoch (verbose 2). Default 'bar'. */
  mode?: 'bar' | 'epoch';
  /** Redraw in place. Default `stream.isTTY`. */
  tty?: boolean;
  /** Seconds between updates: default 0.1 on a terminal; 10 otherwise (one plain line each time). */
  interval?: number;
  /** Characters in the bar. Default 30. */
  width?: number;
  /** The clock in milliseconds (tests pass a fake one). Default performance.now. */
  clock?: () => number;
}

/** Keras' number format: 4 decimals, scientific below 1e-3. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(4) : v.toFixed(4);
}

/** '7s', '2m 05s', '1h 02m'. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** ' - loss: 0.4321 - accuracy: 0.8765' for the entries of `logs` not in `skip`. */
export function formatLogs(logs: Logs, skip: readonly string[] = ['learning_rate']): string {
  return Object.entries(logs)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => ` - ${k}: ${formatValue(v)}`)
    .join('');
}

function defaultStream(): ProgressStream {
  const p = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  return p?.stderr ?? { write: (text: string) => console.log(text.replace(/\n$/, '')) };
}

/**
 * One pass over `steps` batches (`samples` samples): `update` after each batch, `finish` at the end.
 * @example const bar = new Bar({ stream: process.stdout }, 100, 3200); bar.update(1, { loss: 0.7 }); bar.finish({ loss: 0.5 });
 */
export class Bar {
  readonly stream: ProgressStream;
  readonly tty: boolean;
  readonly interval: number;
  readonly width: number;
  private readonly clock: () => number;
  private readonly start: number;
  private lastDraw: number;
  /** When the last batch finished (validation may follow): samples/s is measured up to here. */
  private doneAt: number | null = null;

  constructor(
    options: Omit<ProgressBarOptions, 'mode'>,
    readonly steps: number,
    readonly samples: number,
  ) {
    this.stream = options.stream ?? defaultStream();
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.interval = options.interval ?? (this.tty ? 0.1 : 10);
    this.width = options.width ?? 30;
    this.clock = options.clock ?? (() => performance.now());
    this.start = this.clock();
    this.lastDraw = this.start;
  }

  /** Seconds since the pass began. */
  elapsed(): number {
    return (this.clock() - this.start) / 1000;
  }

  /** Samples per second over the batches (up to the last one when it has been reported). */
  samplesPerSecond(): number {
    const seconds = ((this.doneAt ?? this.clock()) - this.start) / 1000;
    return seconds > 0 ? this.samples / seconds : 0;
  }

  /** Records that `done` batches are done; redraws when `interval` has passed since the last time. */
  update(done: number, logs: Logs): void {
    const now = this.clock();
    if (done >= this.steps) this.doneAt = now;
    if ((now - this.lastDraw) / 1000 < this.interval || done >= this.steps) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.steps - done) : 0;
    this.write(`${this.counter(done)} - ETA: ${formatDuration(eta)}${this.rate(done, elapsed)}${formatLogs(logs)}`, false);
  }

  /** The final line of the pass: total time, time per step, samples/s and `logs`. */
  finish(logs: Logs, prefix = ''): void {
    const elapsed = this.elapsed();
    const perStep = this.steps > 0 ? (elapsed * 1000) / this.steps : 0;
    const stepTime = perStep >= 1 ? `${Math.round(perStep)}ms/step` : `${Math.round(perStep * 1000)}us/step`;
    const rate = this.rate(this.steps, this.doneAt === null ? elapsed : (this.doneAt - this.start) / 1000);
    this.write(`${prefix}${this.counter(this.steps)} - ${formatDuration(elapsed)} ${stepTime}${rate}${formatLogs(logs)}`, true);
  }

  private counter(done: number): string {
    const total = String(this.steps);
    const filled = this.steps > 0 ? Math.floor((done / this.steps) * this.width) : this.width;
    const arrow = filled < this.width && done > 0 ? '>' : '';
    const bar = `${'='.repeat(Math.max(0, filled - (arrow ? 1 : 0)))}${arrow}`.padEnd(this.width, '.');
    return `${String(done).padStart(total.length)}/${total} [${bar}]`;
  }

  private rate(done: number, elapsed: number): string {
    const seen = Math.min(this.samples, this.steps > 0 ? Math.round((done / this.steps) * this.samples) : 0);
    return elapsed > 0 ? ` - ${Math.round(seen / elapsed)} samples/s` : '';
  }

  private write(line: string, final: boolean): void {
    if (!this.tty) {
      this.stream.write(`${line}\n`);
      return;
    }
    const cols = this.stream.columns ?? 0;
    const fitted = cols > 1 && line.length >= cols ? line.slice(0, cols - 1) : line;
    this.stream.write(`\r${fitted}\x1b[K${final ? '\n' : ''}`);
  }
}

/**
 * The progress callback fit adds for verbose 1 (bar) and 2 (one line per epoch). Pass one
 * yourself to choose the stream or the interval.
 *
 * @example
 * // Epoch 1/10
 * //  20/32 [==================>...........] - ETA: 1s - 2893 samples/s - loss: 0.7012 - accuracy: 0.7531
 * await trainer.fit(x, y, { epochs: 10, callbacks: [new ProgressBar({ stream: process.stdout })] });
 */
export class ProgressBar implements Callback {
  readonly options: ProgressBarOptions;
  private params: TrainingParams | null = null;
  private bar: Bar | null = null;

  constructor(options: ProgressBarOptions = {}) {
    this.options = options;
    const mode = options.mode ?? 'bar';
    if (mode !== 'bar' && mode !== 'epoch') throw new RangeError(`ProgressBar: mode must be 'bar' or 'epoch', got ${JSON.stringify(mode)}`);
  }

  setTrainer(_trainer: unknown, params: TrainingParams): void {
    this.params = params;
  }

  onEpochBegin(epoch: number): void {
    const p = this.params;
    const bar = (this.options.mode ?? 'bar') === 'bar';
    this.bar = new Bar(bar ? this.options : { ...this.options, interval: Number.POSITIVE_INFINITY }, p?.steps ?? 0, p?.samples ?? 0);
    if (bar) this.bar.stream.write(`Epoch ${epoch + 1}/${p?.epochs ?? '?'}\n`);
  }

  onBatchEnd(batch: number, logs: Logs): void {
    this.bar?.update(batch + 1, logs); // in 'epoch' mode too: it records when the last batch ended
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const bar = this.bar;
    if (bar === null) return;
    if ((this.options.mode ?? 'bar') === 'bar') bar.finish(logs);
    else {
      const rate = bar.elapsed() > 0 ? ` - ${Math.round(bar.samplesPerSecond())} samples/s` : '';
      bar.stream.write(`Epoch ${epoch + 1}/${this.params?.epochs ?? '?'} - ${formatDuration(bar.elapsed())}${rate}${formatLogs(logs)}\n`);
    }
    this.bar = null;
  }
}
