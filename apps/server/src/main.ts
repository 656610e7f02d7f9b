import { fileURLToPath } from 'node:url';
import { logSafeError } from '@roster/api';
import { DataDirLockedError } from '@roster/db';
import { readConfig } from './config';
import { startServer } from './start';

// A setting that is wrong is named in one line, as a start that fails says why (no stack trace).
const config = (() => {
  try {
    return readConfig();
  } catch (error) {
    console.error(`\nRoster could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
})();
const webDist = config.production ? fileURLToPath(new URL('../../web/dist', import.meta.url)) : undefined;

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server | undefined;
let stopRequested: string | undefined;

/** Graceful shutdown (README, "Operating the server"); a signal during start-up is honoured once it is up. */
async function stop(signal: string): Promise<void> {
  if (!server) {
    stopRequested ??= signal;
    return;
  }
  const running = server;
  server = undefined;
  running.app.log.info(`${signal}: shutting down`);
  const closed = await running.close();
  if (!closed) {
    running.app.log.warn(
      'The running bulk batch did not end in time: its lease will hand it to another process',
    );
  }
  running.app.log.info('Shut down');
  process.exit(0);
}
// Registered before start-up: a SIGTERM while migrating must not kill the process half-way.
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

try {
  server = await startServer(config, webDist);
  const line = '─'.repeat(64);
  console.log(`\n${line}\n  Roster is running at ${config.api.publicUrl}`);
  console.log(`  Database: ${server.handle.description}`);
  // The password only when this start has just created the administrator of a development server:
  // a production log, or any later start, never holds it.
  if (config.admin && server.createdAdmin) {
    console.log(
      config.production
        ? `  Created the administrator ${config.admin.email} (password: ROSTER_ADMIN_PASSWORD)`
        : `  Sign in as ${config.admin.email} / ${config.admin.password}`,
    );
  }
  console.log(`${line}\n`);
  if (stopRequested) await stop(stopRequested);
} catch (error) {
  if (error instanceof DataDirLockedError) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  // Why, as the log keeps errors (logSafeError): a failed query by its first words and its code,
  // never its parameters (the first start's insert of the administrator carries the password's hash).
  const safe = logSafeError(error);
  const causes = [safe];
  for (let cause = safe.cause; cause; cause = cause.cause) causes.push(cause);
  console.error(
    `\nRoster could not start: ${causes.map((c) => `${c.message}${c.code ? ` [${c.code}]` : ''}`).join(' ← ')}\n${safe.stack}\n`,
  );
  process.exit(1);
}
