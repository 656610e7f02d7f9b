import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { compileApp } from '../../../scripts/compileApp.mjs';
import './providedContext';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compiles the command-line tool once per run with `pnpm build`'s own command (package.json), into a
 * directory of the run's own: the tests run what `pnpm roster` runs once built, plain JavaScript with
 * no TypeScript loader (through tsx, each run of the tool cost ~1.3 CPU-s to start, ~0.25 so). A
 * change to the sources is seen by the next run, not by a watching one.
 */
export default function setup(project: TestProject) {
  // Beside dist/main.js, so that anything left to Node resolves from the app as it does there.
  const dir = join(CLI_DIR, 'dist', `test-bundle-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, 'main.js');
  compileApp(CLI_DIR, bundle);
  project.provide('cliBundle', bundle);
  return () => rmSync(dir, { recursive: true, force: true });
}
