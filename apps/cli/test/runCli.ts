import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';
import './providedContext';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));

export type CliRun = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the real command-line tool, compiled as `pnpm build` compiles it (test/globalSetup.ts), as a
 * child process, as `pnpm roster` does: its own environment, and stdin a pipe (not a terminal) that is
 * closed at once unless `input` is given.
 */
export function runCli(
  args: readonly string[],
  options: { env: Record<string, string | undefined>; input?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [inject('cliBundle'), ...args], {
      cwd: CLI_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs the tool as `runCli` does, its standard output read by a reader that stops after the first
 * chunk (`roster … | head -1`): the pipe is closed under the tool while it still writes.
 */
export function runCliReadingFirstChunk(
  args: readonly string[],
  options: { env: Record<string, string | undefined> },
): Promise<{ code: number | null; firstChunk: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [inject('cliBundle'), ...args], {
      cwd: CLI_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let firstChunk = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').once('data', (chunk: string) => {
      firstChunk = chunk;
      child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, firstChunk, stderr }));
  });
}

/** The one JSON document a `--json` run printed on stdout. */
export function jsonOf(run: CliRun): unknown {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document.\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
}

/** The JSON document of a `--json` run that succeeded (exit 0; its stderr shown if not). */
export function successJson(run: CliRun): unknown {
  expect(run.code, run.stderr).toBe(0);
  return jsonOf(run);
}

/**
 * Runs the tool on a terminal of its own (util-linux `script` gives it a pseudo-terminal), as a
 * person at a keyboard does: `answer` is typed once the tool asks its question. stdout and stderr
 * arrive together, with the terminal's control sequences.
 */
export function runCliOnTerminal(
  args: readonly string[],
  options: { env: Record<string, string | undefined>; answer: string },
): Promise<{ code: number | null; output: string }> {
  const command = ['node', inject('cliBundle'), ...args]
    .map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
      cwd: CLI_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let asked = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!asked && /\[y\/N\] |to confirm: /.test(output)) {
        asked = true;
        child.stdin.write(`${options.answer}\r`);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
