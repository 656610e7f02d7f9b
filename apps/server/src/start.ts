import { ensureBootstrapAdmin, smtpTransport, startBulkRunner, startOutboxDelivery } from '@roster/api';
import { countUsers, createDb, seedUsers } from '@roster/db';
import { buildServer } from './buildServer';
import type { ServerConfig } from './config';

/** Opens the database, brings it up to date, then serves the API (and the SPA when built). */
export async function startServer(config: ServerConfig, webDist?: string) {
  const handle = await createDb({ url: config.databaseUrl, dataDir: config.dataDir });
  await handle.migrate();
  if (config.demoUsers > 0) {
    if ((await countUsers(handle.db)) === 0) {
      console.log(`Empty database: seeding a demo tenant of ${config.demoUsers.toLocaleString('en')} users…`);
      await seedUsers(handle.db, { users: config.demoUsers });
    }
  }
  if (config.admin) await ensureBootstrapAdmin(handle.db, config.admin.email, config.admin.password);
  const app = await buildServer({ db: handle.db, api: config.api, webDist, logLevel: config.logLevel });
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
  const close = async () => {
    await delivery?.stop();
    await runner.stop();
    await app.close();
    await handle.close();
  };
  return { app, handle, close };
}
