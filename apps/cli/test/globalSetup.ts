import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import './providedContext';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compiles the command-line tool once per run with `pnpm build`'s own command (package.json), into a
 * directory of the run's own: the tests run what `pnpm roster` runs once built, plain JavaScript
 * with no TypeScript loader (through tsx, each run of the tool cost ~1.3 CPU-s to start, ~0.25 so).
 */
export default function setup(project: TestProject) {
  const build: unknown = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')).scripts?.build;
  const [node, ...args] = typeof build === 'string' ? build.split(' ') : [];
  if (node !== 'node' || !args.includes('dist/main.js'))
    throw new Error(`apps/cli's build script is not \`node … dist/main.js …\`: ${String(build)}`);
  const dir = mkdtempSync(join(tmpdir(), 'roster-cli-bundle-'));
  const bundle = join(dir, 'main.js');
  const built = spawnSync(
    process.execPath,
    args.map((arg) => (arg === 'dist/main.js' ? bundle : arg)),
    { cwd: CLI_DIR, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`Building the CLI failed:\n${built.stderr}`);
  project.provide('cliBundle', bundle);
  return () => rmSync(dir, { recursive: true, force: true });
}
