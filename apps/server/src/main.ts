import { fileURLToPath } from 'node:url';
import { DataDirLockedError } from '@roster/db';
import { readConfig } from './config';
import { startServer } from './start';

const config = readConfig();
const webDist = config.production ? fileURLToPath(new URL('../../web/dist', import.meta.url)) : undefined;

try {
  const server = await startServer(config, webDist);
  const line = '─'.repeat(64);
  console.log(`\n${line}\n  Roster is running at ${config.api.publicUrl}`);
  console.log(`  Database: ${server.handle.description}`);
  if (config.admin) console.log(`  Sign in as ${config.admin.email} / ${config.admin.password}`);
  console.log(`${line}\n`);
  const stop = async (signal: string) => {
    server.app.log.info(`${signal}: shutting down`);
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof DataDirLockedError) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
