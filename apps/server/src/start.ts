import { ensureBootstrapAdmin, smtpTransport, startBulkRunner, startOutboxDelivery } from '@roster/api';
import { countUsers, createDb, seedUsers } from '@roster/db';
import { buildServer } from './buildServer';
import type { ServerConfig } from './config';

/** Opens the database, brings it up to date, then serves the API (and the SPA when built). */
export async function startServer(config: ServerConfig, webDist?: string) {
  const handle = await createDb({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    maxConnections: config.dbPoolSize,
  });
  await handle.migrate();
  if (config.demoUsers > 0) {
    if ((await countUsers(handle.db)) === 0) {
      console.log(`Empty database: seeding a demo tenant of ${config.demoUsers.toLocaleString('en')} users…`);
      await seedUsers(handle.db, { users: config.demoUsers });
    }
  }
  const createdAdmin = config.admin
    ? await ensureBootstrapAdmin(handle.db, config.admin.email, config.admin.password)
    : false;
  const app = await buildServer({
    db: handle.db,
    api: config.api,
    webDist,
    logLevel: config.logLevel,
    trustProxy: config.trustProxy,
  });
  await app.listen({ port: config.port, host: config.host });
  const runner = startBulkRunner(handle.db, config.api, {
    onError: (error) => app.log.error({ err: error }, 'bulk operation runner'),
  });
  const smtp = config.api.smtp;
  const delivery = smtp
    ? startOutboxDelivery(handle.db, config.api, smtpTransport(smtp), {
        onError: (error) => app.log.error({ err: error }, 'e-mail delivery'),
      })
    : null;
  app.log.info(
    smtp ? 'E-mails are delivered by SMTP' : 'SMTP_URL is not set: e-mails stay in Admin › Outbox',
  );
  /**
   * Graceful shutdown: stop listening (/readyz answers 503 at once, requests in flight finish), let
   * the bulk runner end what it is running within `graceMs`, then close the pool. Returns false when
   * the runner was still busy: the caller then exits without closing the pool, so the open batch
   * rolls back as after a crash and its lease runs out for another process to take the operation
   * over — closing the pool under it would record its users as failed instead.
   */
  const close = async (graceMs = config.shutdownGraceMs): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const workers = Promise.all([delivery?.stop(), runner.stop()]).then(() => 'done' as const);
    const [, ended] = await Promise.all([app.close(), Promise.race([workers, grace])]);
    clearTimeout(timer);
    if (ended === 'late') return false;
    await handle.close();
    return true;
  };
  return { app, handle, close, createdAdmin };
}
