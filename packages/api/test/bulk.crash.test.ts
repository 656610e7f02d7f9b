import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { auditEvents, bulkOperationBatches, bulkOperationItems, users } from '@roster/db';
import { waitFor } from '@roster/db/testing';
import { IMPORT_CHUNK_ROWS } from '@roster/domain';
import { and, eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { INLINE_MAX_USERS } from '../src/runner/runOperation';
import { type Caller, callerWithConfig, useHarness } from './harness';

const worker = fileURLToPath(new URL('./fixtures/bulkWorker.ts', import.meta.url));
const h = useHarness({ reset: false, admin: true });
let caller: Caller;
let bigBatchesCaller: Caller;
/** The batches `bigBatchesCaller` cuts at Apply. */
const BIG_BATCH = 1_000;

beforeAll(() => {
  // Small batches (cut at Apply), so that the worker is killed in the middle of an operation.
  caller = callerWithConfig(h.admin.ctx, { bulkBatchSize: 50 });
  bigBatchesCaller = callerWithConfig(h.admin.ctx, { bulkBatchSize: BIG_BATCH });
});

/**
 * How the worker takes the batches cut at Apply: whole (small ones), or a big one in slices, as on
 * the embedded database (a 1 ms target: 50 users a slice), so that it is killed inside a batch.
 */
const MODES = [
  { name: 'whole batches', role: 'Reader', sliceMs: undefined, apply: () => caller },
  { name: 'slices of a batch', role: 'Contributor', sliceMs: 1, apply: () => bigBatchesCaller },
] as const;

/** A worker process; `sliceMs` makes it take batches in slices, as the embedded database does. */
function startWorker(url: string, sliceMs?: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', worker], {
    env: {
      ...process.env,
      ROSTER_TEST_DATABASE_URL: url,
      ...(sliceMs ? { ROSTER_TEST_SLICE_MS: String(sliceMs) } : {}),
    },
    stdio: 'inherit',
  });
}

const PATIENCE = { timeoutMs: 60_000 };

/**
 * Runs a queued operation of `total` users in a worker process killed once it has processed 200 of
 * them, then in a second one; checks that the operation succeeded with every user changed once.
 */
async function runThroughACrash(url: string, id: string, total: number, sliceMs?: number) {
  const first = startWorker(url, sliceMs);
  await waitFor(
    () => caller.bulk.get({ id }),
    (o) => o.processed >= 200,
    PATIENCE,
  );
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const atCrash = await caller.bulk.get({ id });
  expect(atCrash.status).toBe('running');
  expect(atCrash.processed).toBeLessThan(total);
  // Taken in slices, the worker was killed inside a batch: a part of it is done, the rest is left.
  if (sliceMs) expect(atCrash.processed % BIG_BATCH).not.toBe(0);

  const second = startWorker(url, sliceMs);
  try {
    const done = await waitFor(
      () => caller.bulk.get({ id }),
      (o) => o.status !== 'running' && o.status !== 'queued',
      PATIENCE,
    );
    expect(done).toMatchObject({
      status: 'succeeded',
      processed: total,
      counts: { change: total, failed: 0 },
    });
  } finally {
    second.kill('SIGKILL');
  }
}

// Two processes need a database both can open: real PostgreSQL (PGlite is one process's).
describe.runIf(process.env.DATABASE_URL)('a worker process killed mid-operation', () => {
  it.each(MODES)(
    'loses nothing: another process resumes and every user is processed exactly once ($name)',
    {
      timeout: 120_000,
    },
    async (mode) => {
      const url = h.testDb.url ?? '';
      const roleId = h.roleId(mode.role);
      const total = INLINE_MAX_USERS + 500;
      await h.createUsers(total, { status: 'active', role: mode.role });
      const op = await mode.apply().bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'deactivate' },
        selection: { filter: { roleIds: [roleId] }, expectedCount: total },
        confirmCount: total,
      });
      expect(op.status).toBe('queued');

      await runThroughACrash(url, op.id, total, mode.sliceMs);
      const audited = await h.auditedUserIds(op.id);
      expect(audited).toHaveLength(total);
      expect(new Set(audited).size).toBe(total);
      const results = await h.db
        .select({ position: bulkOperationItems.position })
        .from(bulkOperationItems)
        .where(eq(bulkOperationItems.operationId, op.id));
      expect(new Set(results.map((r) => r.position)).size).toBe(total);
      expect(
        await h.db.select().from(bulkOperationBatches).where(eq(bulkOperationBatches.operationId, op.id)),
      ).toHaveLength(0);
      const versions = await h.db
        .select({ version: users.version })
        .from(users)
        .where(eq(users.roleId, roleId));
      expect(versions.every((v) => v.version === 2)).toBe(true);
    },
  );

  it.each(MODES)(
    'an import loses nothing either: each row creates its user exactly once across the crash ($name)',
    {
      timeout: 120_000,
    },
    async (mode) => {
      const url = h.testDb.url ?? '';
      const total = INLINE_MAX_USERS + 500;
      const prefix = `crash-import-${mode.sliceMs ? 'sliced' : 'whole'}-`;
      const rows = Array.from({ length: total }, (_, i) => ({
        line: i + 2,
        email: `${prefix}${i}@roster.test`,
        firstName: 'Crash',
        lastName: `Row ${i}`,
        role: '',
        copyAccessFrom: '',
      }));
      const operationId = randomUUID();
      const file = { fileSha256: 'c'.repeat(64), fileName: 'crash.csv', totalRows: total };
      for (let i = 0; i < total; i += IMPORT_CHUNK_ROWS) {
        await mode.apply().imports.preview({ operationId, file, rows: rows.slice(i, i + IMPORT_CHUNK_ROWS) });
      }
      const op = await mode.apply().imports.commit({ operationId, invite: false });
      expect(op.status).toBe('queued');

      await runThroughACrash(url, operationId, total, mode.sliceMs);
      const created = await h.db
        .select({ id: users.id })
        .from(users)
        .where(like(users.email, `${prefix}%`));
      expect(created).toHaveLength(total);
      const audited = await h.auditedUserIds(operationId);
      expect(audited).toHaveLength(total);
      expect(new Set(audited)).toEqual(new Set(created.map((u) => u.id)));
      const results = await h.db
        .select({ outcome: bulkOperationItems.outcome, userId: bulkOperationItems.userId })
        .from(bulkOperationItems)
        .where(eq(bulkOperationItems.operationId, operationId));
      expect(results).toHaveLength(total);
      expect(results.every((r) => r.outcome === 'change' && r.userId !== null)).toBe(true);
      expect(
        await h.db
          .select()
          .from(bulkOperationBatches)
          .where(eq(bulkOperationBatches.operationId, operationId)),
      ).toHaveLength(0);
    },
  );

  it('two worker processes on one database share the work and never process a user twice', {
    timeout: 120_000,
  }, async () => {
    const url = h.testDb.url ?? '';
    const buyer = h.roleId('Buyer');
    const total = INLINE_MAX_USERS + 300;
    await h.createUsers(total, { status: 'created', role: 'Buyer' });
    const ops = await Promise.all(
      [0, 1].map(() =>
        caller.bulk.execute({
          operationId: randomUUID(),
          operation: { kind: 'invite' },
          selection: { filter: { roleIds: [buyer], status: ['created'] }, expectedCount: total },
        }),
      ),
    ).catch(() => []);
    // The second apply of the same filter may find the count changed; one queued operation is enough.
    const queued = ops.filter((o) => o.status === 'queued');
    expect(queued.length).toBeGreaterThan(0);
    const workers = [startWorker(url), startWorker(url)];
    try {
      for (const op of queued) {
        await waitFor(
          () => caller.bulk.get({ id: op.id }),
          (o) => o.status !== 'running' && o.status !== 'queued',
          PATIENCE,
        );
      }
    } finally {
      for (const w of workers) w.kill('SIGKILL');
    }
    const invited = await h.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.roleId, buyer), eq(users.status, 'invited')));
    expect(invited).toHaveLength(total);
    const audit = await h.db
      .select({ userId: auditEvents.userId })
      .from(auditEvents)
      .where(eq(auditEvents.action, 'user.invite'));
    expect(audit).toHaveLength(total);
    expect(new Set(audit.map((a) => a.userId)).size).toBe(total);
  });
});
