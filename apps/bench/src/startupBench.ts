import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import getPort from 'get-port';
import { processCpuSeconds } from './cpuTime';
import { percentile } from './stats';

/**
 * Start-up (issue 18 item 4): how soon a production server answers its first 200 (`/readyz`, which
 * asks the database) after `node` is started, and how long `roster --help` takes — the compiled
 * output `pnpm start` and `pnpm roster` run now, beside the TypeScript sources through tsx as they ran
 * before, alternated run by run, medians of wall time and of the process's CPU seconds.
 *
 *   pnpm --filter @roster/bench bench:startup [--runs 7]   (pnpm build first; DATABASE_URL: the database)
 */

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('Set DATABASE_URL to the (already migrated) database the server should start on.');
  process.exit(2);
}

const SERVER_DIR = fileURLToPath(new URL('../../server/', import.meta.url));
const CLI_DIR = fileURLToPath(new URL('../../cli/', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
for (const built of [`${SERVER_DIR}dist/main.js`, `${CLI_DIR}dist/main.js`]) {
  if (!existsSync(built)) {
    console.error(`${built} is missing: run pnpm build first.`);
    process.exit(2);
  }
}

/** The two ways of starting the server: as `pnpm start` runs it now, and as it ran before (tsx). */
const SERVER_ARGS = {
  compiled: [
    '--enable-source-maps',
    '--max-semi-space-size=16',
    '--max-old-space-size=192',
    '--initial-old-space-size=160',
    'dist/main.js',
  ],
  source: [
    '--max-semi-space-size=16',
    '--max-old-space-size=192',
    '--initial-old-space-size=160',
    '--import',
    'tsx',
    'src/main.ts',
  ],
} as const;
type Mode = keyof typeof SERVER_ARGS;

async function firstOk(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}) before answering`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function serverStart(mode: Mode): Promise<{ ms: number; cpu: number }> {
  const port = await getPort({ host: '127.0.0.1' });
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVER_ARGS[mode]], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      ROSTER_DEMO_USERS: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await firstOk(`http://127.0.0.1:${port}/readyz`, child);
  const ms = performance.now() - started;
  const cpu = child.pid ? processCpuSeconds(child.pid) : 0;
  child.kill('SIGTERM');
  await exited;
  return { ms, cpu };
}

/** `roster --help`, timed by /usr/bin/time: wall seconds and the child's user + system CPU. */
function cliHelp(command: string[], cwd: string): { ms: number; cpu: number } {
  const timed = spawnSync('/usr/bin/time', ['-f', '%e %U %S', ...command, '--help'], {
    cwd,
    encoding: 'utf8',
  });
  const [wall, user, system] = (timed.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return { ms: (wall ?? 0) * 1000, cpu: (user ?? 0) + (system ?? 0) };
}

const CLI = {
  'pnpm roster --help (compiled)': () => cliHelp(['pnpm', 'roster'], REPO),
  'node bin/roster.js --help (compiled)': () => cliHelp([process.execPath, 'bin/roster.js'], CLI_DIR),
  'node --import tsx src/main.ts --help (before)': () =>
    cliHelp([process.execPath, '--import', 'tsx', 'src/main.ts'], CLI_DIR),
} as const;

const samples = new Map<string, { ms: number[]; cpu: number[] }>();
function record(name: string, sample: { ms: number; cpu: number }): void {
  const entry = samples.get(name) ?? { ms: [], cpu: [] };
  entry.ms.push(sample.ms);
  entry.cpu.push(sample.cpu);
  samples.set(name, entry);
}

// One warm-up of each, unrecorded: the first start after a build reads every file from disk.
await serverStart('compiled');
await serverStart('source');
for (let run = 0; run < runs; run += 1) {
  // Alternated, each starting first every other run, so a change in the machine's load hits both.
  const order: Mode[] = run % 2 === 0 ? ['compiled', 'source'] : ['source', 'compiled'];
  for (const mode of order) record(`server, first 200 (${mode})`, await serverStart(mode));
  for (const [name, measure] of Object.entries(CLI)) record(name, measure());
  process.stdout.write(`\rrun ${run + 1} / ${runs}`);
}
process.stdout.write('\n');

const median = (xs: number[]) => percentile(xs, 50);
console.log(
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString()}`,
);
console.log('| what | median wall | min–max wall | median CPU-s |');
console.log('|---|---:|---:|---:|');
for (const [name, { ms, cpu }] of samples) {
  console.log(
    `| ${name} | ${Math.round(median(ms))} ms | ${Math.round(Math.min(...ms))}–${Math.round(Math.max(...ms))} ms | ${median(cpu).toFixed(2)} |`,
  );
}
