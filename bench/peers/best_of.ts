// A peer at its best: the same framework started in several configurations (thread and spinning
// settings), each case run in every one, and the fastest kept, with a note naming the
// configuration that gave it and the others' medians. Debian's PyTorch on these 2-core machines is
// the reason: with OpenBLAS's own threads beside OpenMP's spinning ones it oversubscribes the cores
// (an MLP training step measured here at 10k samples/s as launched before, 36-38k with
// GOMP_SPINCOUNT=0 or OPENBLAS_NUM_THREADS=1), and a ratio against a crippled peer misleads.

import type { CaseSpec } from '../cases.js';
import type { CaseInputs } from '../data.js';
import type { TimingPolicy } from '../harness.js';
import type { Result, Runner } from '../runner.js';

/** One configuration of a peer: a label for the report and the runner started in it. */
export interface PeerConfig {
  label: string;
  runner: Runner;
}

/**
 * Runs each case in every configuration that started and reports the fastest (lowest median).
 *
 * @example
 * const torch = new BestOfRunner('torch', torchConfigs(threads).map(({ label, env }) => ({ label, runner: new TorchRunner(threads, py, { name: 'torch', env }) })));
 */
export class BestOfRunner implements Runner {
  private live: PeerConfig[] = [];

  constructor(
    readonly name: string,
    private readonly configs: readonly PeerConfig[],
  ) {}

  async setup(): Promise<Record<string, string | number>> {
    let info: Record<string, string | number> = {};
    const failed: string[] = [];
    for (const c of this.configs) {
      try {
        info = { ...(await c.runner.setup()), ...info };
        this.live.push(c);
      } catch (e) {
        failed.push(`${c.label}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (this.live.length === 0) throw new Error(failed.join('; '));
    return {
      ...info,
      configurations: `fastest per case of ${this.live.map((c) => `[${c.label}]`).join(' ')}`,
      ...(failed.length > 0 ? { 'failed configurations': failed.join('; ') } : {}),
    };
  }

  async run(spec: CaseSpec, inputs: CaseInputs, policy: TimingPolicy): Promise<Result> {
    const results: { label: string; result: Result }[] = [];
    for (const c of this.live) results.push({ label: c.label, result: await c.runner.run(spec, inputs, policy) });
    const ok = results.filter((r) => r.result.status === 'ok');
    if (ok.length === 0) return results[0].result;
    ok.sort((a, b) => median(a.result) - median(b.result));
    const best = ok[0];
    if (ok.length === 1) return { ...best.result, note: `configuration ${best.label}` } as Result;
    const others = ok
      .slice(1)
      .map((r) => `${r.label} ${median(r.result).toPrecision(3)} ms`)
      .join(', ');
    const prior = best.result.status === 'ok' && best.result.note ? `; ${best.result.note}` : '';
    return {
      ...best.result,
      note: `fastest configuration ${best.label} (${median(best.result).toPrecision(3)} ms; ${others})${prior}`,
    } as Result;
  }

  async close(): Promise<void> {
    for (const c of this.live) await c.runner.close();
  }
}

function median(r: Result): number {
  return r.status === 'ok' ? r.stats.medianMs : Number.POSITIVE_INFINITY;
}
