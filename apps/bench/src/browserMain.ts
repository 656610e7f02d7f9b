// `pnpm --filter @roster/bench bench:browser`: the users page in Chromium on the default install (a
// fresh PGlite data directory with a demo tenant, the built web app), so it needs no PostgreSQL.
import { parseArgs } from 'node:util';
import { benchBrowser, browserSection } from './browserBench';
import { pgliteVersion } from './embeddedBench';
import { machineLine, writeSection } from './report';

const { values } = parseArgs({ options: { users: { type: 'string', default: '50000' } } });
const result = await benchBrowser(Number(values.users));
console.log(JSON.stringify(result, null, 2));
writeSection(
  'browser',
  browserSection(result, new Date().toISOString().slice(0, 10), machineLine(pgliteVersion())),
);
