import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import './providedContext';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compiles the command-line tool once per run with `pnpm build`'s own command (package.json), into a
 * directory of the run's own: the tests run what `pnpm roster` runs once built, plain JavaScript with
 * no TypeScript loader (through tsx, each run of the tool cost ~1.3 CPU-s to start, ~0.25 so). A
 * change to the sources is seen by the next run, not by a watching one.
 */
export default function setup(project: TestProject) {
  const build: unknown = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')).scripts?.build;
  const [node, ...args] = typeof build === 'string' ? build.split(' ') : [];
  if (node !== 'node' || !args.includes('dist/main.js'))
    throw new Error(`apps/cli's build script is not \`node … dist/main.js …\`: ${String(build)}`);
  // Beside dist/main.js, so that anything left to Node resolves from the app as it does there.
  const dir = join(CLI_DIR, 'dist', `test-bundle-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, 'main.js');
  const built = spawnSync(
    process.execPath,
    args.map((arg) => (arg === 'dist/main.js' ? bundle : arg)),
    { cwd: CLI_DIR, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`Building the CLI failed:\n${built.error ?? built.stderr}`);
  project.provide('cliBundle', bundle);
  return () => rmSync(dir, { recursive: true, force: true });
}
