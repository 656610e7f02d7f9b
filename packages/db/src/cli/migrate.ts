import { ensureBuiltInRoles } from '../builtInRoles';
import { createDb } from '../createDb';

const handle = await createDb({ url: process.env.DATABASE_URL, dataDir: process.env.ROSTER_DATA_DIR });
try {
  await handle.migrate();
  await ensureBuiltInRoles(handle.db);
  console.log(`Migrated ${handle.description}.`);
} finally {
  await handle.close();
}
