import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';

/** Debian's Chromium (`apt-get install chromium`, VERSIONS.md), preferred when it is installed. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export type ChromiumChoice = {
  path: string;
  /** Where it came from, so a failing launch says which browser it tried. */
  source: 'CHROMIUM_PATH' | 'system' | 'packaged';
  /** Why there is none (the package could not be unpacked): the browser tests fail with it. */
  problem?: string;
};

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set (used as given, so a wrong path
 * fails loudly), else Debian's when installed, else the one shipped inside @sparticuz/chromium —
 * so `pnpm install && pnpm test` works on a machine without apt's Chromium (issue 16 item 12).
 */
export async function resolveChromium(
  env: NodeJS.ProcessEnv = process.env,
  systemInstalled: (path: string) => boolean = isExecutableFile,
): Promise<ChromiumChoice> {
  const configured = env.CHROMIUM_PATH;
  if (configured) return { path: configured, source: 'CHROMIUM_PATH' };
  if (systemInstalled(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system' };
  return { path: await packagedChromium(), source: 'packaged' };
}

const execFileAsync = promisify(execFile);
const packageJson = z.object({ version: z.string().regex(/^[\w.-]+$/) });

/**
 * Unpacks the Chromium inside @sparticuz/chromium once per installed version and returns its path.
 * The package inflates its brotli files straight into the temp directory and takes any file already
 * there as done, so two test runs (or a run killed half-way) could start a half-written binary. It is
 * made to unpack into a fresh directory (its `TMPDIR`, in a child process so this one's environment
 * stays as it is), which then takes its final name with one atomic rename; whoever loses the race
 * drops its own copy.
 */
export async function packagedChromium(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  // build/cjs/index.cjs: its package.json is two folders up. One copy per version, whatever checkout.
  const { version } = packageJson.parse(
    JSON.parse(readFileSync(join(dirname(entry), '../../package.json'), 'utf8')),
  );
  const target = join(tmpdir(), `roster-chromium-${version}`);
  const binary = join(target, 'chromium');
  if (isExecutableFile(binary)) return binary;

  const staging = mkdtempSync(join(tmpdir(), 'roster-chromium-unpacking-'));
  try {
    const script = `require(${JSON.stringify(entry)}).executablePath().then((path) => process.stdout.write(path));`;
    const { stdout } = await execFileAsync(process.execPath, ['--eval', script], {
      env: { ...process.env, TMPDIR: staging },
    });
    if (stdout !== join(staging, 'chromium')) {
      throw new Error(`@sparticuz/chromium unpacked to ${stdout}, not into ${staging}`);
    }
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another run renamed its copy first: use that one.
      if (!isExecutableFile(binary)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}
