// `pnpm --filter @roster/bench bench:embedded`: the embedded database's bench (issue 15, item 3). It
// starts a server of its own on a fresh PGlite data directory, so it needs no PostgreSQL.
import { parseArgs } from 'node:util';
import { benchEmbedded, embeddedSection } from './embeddedBench';
import { machineLine, writeSection } from './report';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '50000' },
    'operation-users': { type: 'string', default: '35000' },
  },
});
const result = await benchEmbedded(Number(values.users), Number(values['operation-users']));
console.log(JSON.stringify(result, null, 2));
writeSection(
  'embedded',
  embeddedSection(result, new Date().toISOString().slice(0, 10), machineLine(result.engine)),
);
