// Running the `tessera` program as a child process, as scripts run it, in a scratch folder that
// is removed after the test file: shared by the CLI test files.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

/** dist/src/cli/main.js, the CLI's entry point. */
export const CLI_MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** What a run printed and how it ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch folder named `prefix`..., removed when the test file ends. */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `node <script> ...args` in `cwd` and collects its output. */
export function runCli(args: string[], cwd: string, script = CLI_MAIN): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Writes `text` to `dir`/`name`; returns the path. */
export async function writeText(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}
