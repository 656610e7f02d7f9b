import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const serverMain = fileURLToPath(new URL('../../server/src/main.ts', import.meta.url));
const serverPackage = fileURLToPath(new URL('../../server/package.json', import.meta.url));

/**
 * The node flags of apps/server's `start` script (a small young generation and a bounded old one keep
 * memory flat), read from it so that the bench measures the server exactly as it runs.
 */
function startFlags(): string[] {
  const script: unknown = JSON.parse(readFileSync(serverPackage, 'utf8')).scripts?.start;
  // `node <flags> dist/main.js` (compiled) or `node <flags> --import tsx src/main.ts`: the flags either way.
  const flags =
    typeof script === 'string'
      ? /\bnode (.*?) (?:--import tsx|dist\/main\.js)\b/.exec(script)?.[1]
      : undefined;
  if (!flags) throw new Error(`No node flags found in the start script of ${serverPackage}`);
  return flags.split(' ');
}

export type ServerProcess = {
  url: string;
  child: ChildProcess;
  /** The server's resident set size now, in MiB (from /proc). */
  rssMiB: () => number;
  stop: () => Promise<void>;
};

/**
 * The real server, in a process of its own, as `pnpm start` runs it (without the SPA). An empty
 * `databaseUrl` runs it on the embedded database, in the `ROSTER_DATA_DIR` that `env` names.
 */
export async function startServerProcess(
  databaseUrl: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  // BENCH_PROFILE_DIR=<dir>: the server writes a CPU profile there when it stops (open it in DevTools).
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...startFlags(), ...profile, '--import', 'tsx', serverMain], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ROSTER_DEMO_USERS: '0',
      ROSTER_ADMIN_EMAIL: 'bench-admin@roster.local',
      ROSTER_ADMIN_PASSWORD: 'bench-admin-password',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The server exited with code ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Roster is running')) resolve();
    });
  });
  child.stdout?.resume();
  return {
    url,
    child,
    rssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
      return kb / 1024;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
