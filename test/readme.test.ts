// Every README snippet runs as written. The ```ts blocks are type-checked against the built
// package (imported by its name, 'tessera', as a user would) and run, each in a fresh Node process;
// the ```sh blocks' `tessera ...` commands run through bin/tessera.js, and `npm start` as the script
// package.json gives it. Each runs in an empty folder whose examples/, test/ and data/ link to this
// repository's, so what a snippet writes (runs/..., pr.svg) stays out of the tree.
//
// Exempt, by rule: `npm install`, `npm ci`, `npm test` (this suite), `npm run build|lint|format|bench|fixtures`,
// the fixture scripts and scripts/fuzz.sh (development tooling); a block right after `<!-- readme-test: skip REASON -->`
// (a command that needs the full Fashion-MNIST or runs a benchmark). Any other command in a sh block
// fails the test, so a new snippet cannot go untested by accident.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { userProgramErrors } from './user_program.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/test/ -> the repository
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Block {
  lang: string;
  code: string;
  line: number; // README line of the opening fence
  skip: string | null;
}

/** The fenced blocks of a Markdown text, with the skip marker that precedes each, if any. */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    const marker = /<!--\s*readme-test:\s*skip\s*(.*?)\s*-->/.exec(lines[i - 1] ?? '');
    out.push({ lang: open[1], code: lines.slice(i + 1, j).join('\n'), line: i + 1, skip: marker ? marker[1] || 'marked' : null });
    i = j;
  }
  return out;
}

/** A fresh working folder with the repository's data folders linked in. */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-readme-'));
  for (const name of ['examples', 'test', 'data']) symlinkSync(join(root, name), join(dir, name));
  return dir;
}

function run(command: string, args: string[], cwd: string, what: string): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, `${what} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stdout}\n${r.stderr}`);
}

const all = blocks(readme);
const tsBlocks = all.filter((b) => b.lang === 'ts' && b.skip === null);
const shBlocks = all.filter((b) => b.lang === 'sh' && b.skip === null);

test('the README has TypeScript and shell snippets to check', () => {
  assert.ok(tsBlocks.length >= 3, `found ${tsBlocks.length} ts blocks`);
  assert.ok(shBlocks.length >= 2, `found ${shBlocks.length} sh blocks`);
});

// The snippets live inside the repository (dist/readme-snippets/) so that 'tessera' resolves to
// this package through its own "exports", exactly as it does for an installed package.
const snippetDir = join(root, 'dist', 'readme-snippets');

test('README TypeScript snippets type-check against the package', () => {
  rmSync(snippetDir, { recursive: true, force: true });
  mkdirSync(snippetDir, { recursive: true });
  const files = tsBlocks.map((b) => {
    const file = join(snippetDir, `readme-line-${b.line}.mts`);
    writeFileSync(file, `${b.code}\nexport {};\n`);
    return file;
  });
  const problems = userProgramErrors(files).map((p) => {
    const block = /readme-line-(\d+)/.exec(p.file)?.[1];
    const at = block && p.line !== null ? `README.md:${Number(block) + p.line + 1}` : p.file;
    return `${at}: ${p.message}`;
  });
  assert.deepEqual(problems, []);
});

for (const b of tsBlocks) {
  test(`README TypeScript snippet at line ${b.line} runs as written`, () => {
    const out = ts.transpileModule(b.code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } });
    mkdirSync(snippetDir, { recursive: true });
    const file = join(snippetDir, `run-line-${b.line}.mjs`);
    writeFileSync(file, out.outputText);
    const cwd = workdir();
    try {
      run(process.execPath, [file], cwd, `README.md:${b.line} (ts)`);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
}

/** Development commands a sh block may show without this test running them. */
const EXEMPT = [
  /^npm install$/,
  /^npm ci$/,
  /^npm test$/,
  /^npm run (build|lint|format|bench|fixtures)\b/,
  /^\/usr\/bin\/python3 scripts\//,
  /^scripts\/fuzz\.sh\b/, // the fuzz suites at a larger budget: CI runs them at its own
];

for (const b of shBlocks) {
  test(`README shell snippet at line ${b.line} runs as written`, () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const cwd = workdir();
    try {
      for (const raw of b.code.split('\n')) {
        const line = raw.replace(/\s+#.*$/, '').trim();
        if (line === '' || line.startsWith('#')) continue;
        for (const command of line.split('&&').map((c) => c.trim())) {
          if (EXEMPT.some((p) => p.test(command))) continue;
          if (command === 'npm start') {
            assert.equal(
              pkg.scripts.start,
              'node bin/tessera.js train examples/quickstart.yaml',
              'the start script changed: update this test',
            );
            run(
              process.execPath,
              [join(root, 'bin/tessera.js'), 'train', 'examples/quickstart.yaml'],
              cwd,
              `README.md:${b.line} npm start`,
            );
            continue;
          }
          const m = /^tessera\s+(.*)$/.exec(command);
          assert.ok(m, `README.md:${b.line}: no rule for the command "${command}": run it here, exempt it, or mark the block`);
          const args = m[1].split(/\s+/);
          run(process.execPath, [join(root, 'bin/tessera.js'), ...args], cwd, `README.md:${b.line} ${command}`);
        }
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
}
