import { parseArgs } from 'node:util';
import { benchLoad } from './benchLoad';
import { PROCEDURES, type Procedure } from './loadBench';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200000' },
    admins: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    seed: { type: 'string', default: '16' },
    /** A mean pause between an answer and the next request (people read); 0, the default: none. */
    'think-ms': { type: 'string', default: '0' },
    /** Send only this procedure (e.g. bulk.execute): what one kind of request costs. */
    only: { type: 'string' },
    /** Print the figures without writing them to BENCHMARKS.md. */
    'dry-run': { type: 'boolean', default: false },
  },
});

const isProcedure = (name: string | undefined): name is Procedure => PROCEDURES.some((p) => p === name);
if (values.only !== undefined && !isProcedure(values.only))
  throw new Error(`--only takes one of ${PROCEDURES.join(', ')}`);
const only = isProcedure(values.only) ? values.only : undefined;

await benchLoad({
  // A database of its own: the run changes roles of some users, and its size is not the other benches'.
  databaseUrl: process.env.LOAD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_load',
  users: Number(values.users),
  admins: Number(values.admins),
  seconds: Number(values.seconds),
  warmupSeconds: Number(values.warmup),
  seed: Number(values.seed),
  thinkMs: Number(values['think-ms']),
  only,
  write: !values['dry-run'],
});
