import { parseArgs } from 'node:util';
import { createDb } from '../createDb';
import { seedUsers } from '../seed';

const { values } = parseArgs({
  options: { users: { type: 'string', default: '5000' }, 'batch-size': { type: 'string' } },
  allowPositionals: false,
});
const users = Number(values.users);
if (!Number.isInteger(users) || users < 1) {
  console.error('--users takes a positive whole number, e.g. pnpm db:seed --users 100000');
  process.exit(2);
}
const handle = await createDb({ url: process.env.DATABASE_URL, dataDir: process.env.ROSTER_DATA_DIR });
try {
  await handle.migrate();
  const started = Date.now();
  await seedUsers(handle.db, {
    users,
    batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
    onProgress: (done, total) =>
      process.stdout.write(`\rSeeded ${done.toLocaleString('en')} / ${total.toLocaleString('en')} users`),
  });
  process.stdout.write('\n');
  console.log(
    `Seeded ${users.toLocaleString('en')} users into ${handle.description} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
} finally {
  await handle.close();
}
