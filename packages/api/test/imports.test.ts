import { randomUUID } from 'node:crypto';
import {
  auditEvents,
  bulkOperations,
  emailOutbox,
  functionalMemberships,
  functionalResources,
  invitations,
  moduleAccess,
  orgUnits,
  roles,
  userRights,
  userScopes,
  users,
} from '@roster/db';
import { IMPORT_CHUNK_ROWS, type ImportCommitInput, type ImportRowInput } from '@roster/domain';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bulkResultsCsv, claimOperation, runOperation } from '../src';
import { type Caller, createHarness, expectTRPCError, type Harness } from './harness';

let h: Harness;
let admin: Caller;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  admin = await h.asSession((await h.signedIn('Administrator', 'ada@roster.test')).session);
});

const SHA = 'a'.repeat(64);

function row(line: number, email: string, extra: Partial<ImportRowInput> = {}): ImportRowInput {
  return {
    line,
    email,
    firstName: 'First',
    lastName: `Last ${line}`,
    role: '',
    copyAccessFrom: '',
    ...extra,
  };
}

function commitInput(
  rows: ImportRowInput[],
  options: Partial<ImportCommitInput['import']> = {},
  id = randomUUID(),
) {
  return {
    operationId: id,
    import: { invite: false, fileSha256: SHA, fileName: 'people.csv', totalRows: rows.length, ...options },
    rows,
  } satisfies ImportCommitInput;
}

/** A source user with module access, a scope, a right and a functional membership. */
async function sourceUser(email: string) {
  const source = await h.createUser({ email });
  const [unit] = await h.db.insert(orgUnits).values({ name: 'Finance', kind: 'department' }).returning();
  const [project] = await h.db
    .insert(functionalResources)
    .values({ name: 'Apollo', kind: 'project' })
    .returning();
  await h.db.insert(moduleAccess).values([
    { userId: source.id, module: 'portfolio', level: 'edit' },
    { userId: source.id, module: 'budget', level: 'read' },
  ]);
  await h.db.insert(userScopes).values({ userId: source.id, orgUnitId: unit?.id ?? '' });
  await h.db.insert(userRights).values({ userId: source.id, right: 'buyer' });
  await h.db.insert(functionalMemberships).values({ userId: source.id, resourceId: project?.id ?? '' });
  return source;
}

const byEmail = async (emails: string[]) =>
  new Map((await h.db.select().from(users).where(inArray(users.email, emails))).map((u) => [u.email, u]));

describe('imports.preview', () => {
  it('gives every row its verdict against the database and writes nothing', async () => {
    await h.createUser({ email: 'taken@x.test' });
    await h.createUser({ email: 'source@x.test' });
    const before = await h.counts();
    const preview = await admin.imports.preview({
      rows: [
        row(2, 'New@X.test ', { role: 'project MANAGER' }),
        row(3, 'taken@x.test'),
        row(4, 'bad-role@x.test', { role: 'Astronaut' }),
        row(5, 'ghost-source@x.test', { copyAccessFrom: 'nobody@x.test' }),
        row(6, 'copy@x.test', { copyAccessFrom: 'SOURCE@x.test' }),
        row(7, 'new@x.test'),
        row(8, 'not-an-email'),
        row(9, ''),
        row(10, 'from-new@x.test', { copyAccessFrom: 'copy@x.test' }),
        row(11, 'boss@x.test', { role: 'Administrator' }),
      ],
    });
    expect(preview.rows.map((r) => [r.line, r.outcome, r.reason])).toEqual([
      [2, 'create', null],
      [3, 'skip', 'already_exists'],
      [4, 'error', 'unknown_role'],
      [5, 'error', 'unknown_source_user'],
      [6, 'create', null],
      [7, 'skip', 'duplicate_in_file'],
      [8, 'error', 'invalid_email'],
      [9, 'error', 'missing_email'],
      [10, 'error', 'source_is_new'],
      [11, 'create', null],
    ]);
    expect(preview.rows[0]?.email).toBe('new@x.test');
    expect(preview.counts).toMatchObject({ total: 10, create: 3, skip: 2, error: 5 });
    expect(preview.rows.filter((r) => r.privileged).map((r) => r.line)).toEqual([11]);
    expect(await h.counts()).toEqual(before);
  });

  it('refuses non-administrators, oversized chunks and malformed rows', async () => {
    const reader = await h.asSession((await h.signedIn('Reader')).session);
    await expectTRPCError(reader.imports.preview({ rows: [row(2, 'a@x.test')] }), 'FORBIDDEN', 'not_admin');
    const many = Array.from({ length: IMPORT_CHUNK_ROWS + 1 }, (_, i) => row(i + 2, `u${i}@x.test`));
    await expectTRPCError(admin.imports.preview({ rows: many }), 'BAD_REQUEST', 'invalid_input');
    await expectTRPCError(admin.imports.preview({ rows: [] }), 'BAD_REQUEST', 'invalid_input');
    await expectTRPCError(
      admin.imports.preview({ rows: [{ ...row(2, 'a@x.test'), line: 0 }] }),
      'BAD_REQUEST',
      'invalid_input',
    );
  });
});

describe('imports.commit', () => {
  it('creates the valid rows with their role and copied access, audited, with per-row results', async () => {
    const source = await sourceUser('source@x.test');
    await h.createUser({ email: 'taken@x.test' });
    const input = commitInput(
      [
        row(2, 'Grace@X.test', { firstName: 'Grace', lastName: 'Hopper', role: 'buyer' }),
        row(3, 'alan@x.test', { copyAccessFrom: 'source@x.test' }),
        row(4, 'taken@x.test'),
        row(5, 'grace@x.test'),
        row(6, '=HYPERLINK("http://evil")'),
        row(7, 'odd@x.test', { role: 'Astronaut' }),
      ],
      { fileSha256: 'b'.repeat(64) },
    );
    const op = await admin.imports.commit(input);
    expect(op).toMatchObject({ kind: 'import', status: 'completed_with_skips', total: 6, processed: 6 });
    expect(op.counts).toEqual({ change: 2, skip: 2, blocked: 2, failed: 0 });

    const created = await byEmail(['grace@x.test', 'alan@x.test']);
    const buyer = await h.roleId('Buyer');
    expect(created.get('grace@x.test')).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      status: 'created',
      roleId: buyer,
    });
    const alan = created.get('alan@x.test');
    expect(alan).toMatchObject({ status: 'created', roleId: await h.roleId('Reader') });
    const access = await h.db
      .select()
      .from(moduleAccess)
      .where(eq(moduleAccess.userId, alan?.id ?? ''));
    expect(access.map((a) => [a.module, a.level]).sort()).toEqual([
      ['budget', 'read'],
      ['portfolio', 'edit'],
    ]);
    expect(
      await h.db
        .select()
        .from(userScopes)
        .where(eq(userScopes.userId, alan?.id ?? '')),
    ).toHaveLength(1);
    expect(
      await h.db
        .select()
        .from(userRights)
        .where(eq(userRights.userId, alan?.id ?? '')),
    ).toHaveLength(1);
    // Functional memberships are never copied.
    expect(
      await h.db
        .select()
        .from(functionalMemberships)
        .where(eq(functionalMemberships.userId, alan?.id ?? '')),
    ).toEqual([]);
    expect(
      await h.db.select().from(functionalMemberships).where(eq(functionalMemberships.userId, source.id)),
    ).toHaveLength(1);

    const [stored] = await h.db.select().from(bulkOperations).where(eq(bulkOperations.id, op.id));
    expect(stored?.fileSha256).toBe('b'.repeat(64));
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.operationId, op.id));
    expect(audit.map((a) => a.action)).toEqual(['user.import', 'user.import']);
    expect(audit.map((a) => a.userId).sort()).toEqual([...created.values()].map((u) => u.id).sort());

    const results = await admin.bulk.results({ id: op.id });
    expect(results.items.map((r) => [r.email, r.outcome, r.reason])).toEqual([
      ['grace@x.test', 'change', null],
      ['alan@x.test', 'change', null],
      ['taken@x.test', 'skip', 'already_exists'],
      ['grace@x.test', 'skip', 'duplicate_in_file'],
      ['=HYPERLINK("http://evil")', 'blocked', 'invalid_email'],
      ['odd@x.test', 'blocked', 'unknown_role'],
    ]);
    expect(results.items.map((r) => r.sentence)).toEqual([
      null,
      null,
      'A user with this e-mail already exists.',
      'The same e-mail is already on line 2.',
      'This is not a valid e-mail address.',
      'No role is named “Astronaut”.',
    ]);

    // The formula comes back escaped in the results CSV.
    let csv = '';
    for await (const chunk of bulkResultsCsv(h.db, op.id)) csv += chunk;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('invites the created users when chosen', async () => {
    const op = await admin.imports.commit(
      commitInput([row(2, 'a@x.test'), row(3, 'b@x.test')], { invite: true, message: 'Welcome!' }),
    );
    expect(op.counts.change).toBe(2);
    const created = await byEmail(['a@x.test', 'b@x.test']);
    for (const u of created.values()) expect(u.status).toBe('invited');
    const pending = await h.db
      .select()
      .from(invitations)
      .where(
        inArray(
          invitations.userId,
          [...created.values()].map((u) => u.id),
        ),
      );
    expect(pending.map((i) => [i.status, i.message])).toEqual([
      ['pending', 'Welcome!'],
      ['pending', 'Welcome!'],
    ]);
    const mails = await h.db.select().from(emailOutbox).where(eq(emailOutbox.operationId, op.id));
    expect(mails.map((m) => m.to).sort()).toEqual(['a@x.test', 'b@x.test']);
  });

  it('is idempotent: a retried commit returns the same operation and creates nothing twice', async () => {
    const input = commitInput([row(2, 'a@x.test'), row(3, 'b@x.test')]);
    const first = await admin.imports.commit(input);
    const before = await h.counts();
    const again = await admin.imports.commit(input);
    expect(again.id).toBe(first.id);
    expect(again.counts).toEqual(first.counts);
    expect(await h.counts()).toEqual(before);
    await expectTRPCError(
      admin.imports.commit({ ...input, import: { ...input.import, invite: true } }),
      'CONFLICT',
      'operation_conflict',
    );
    expect(await h.counts()).toEqual(before);
  });

  it('waits for every part, in any order and sent twice, then runs two batches at a time', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => row(i + 2, `p${i}@x.test`));
    // The same person on line 3 and on line 1,100: the later line is the duplicate, across batches.
    rows[1_098] = row(1_100, 'p1@x.test');
    // Access copied from someone this file creates (line 2, in the first batch): refused as the
    // preview said, though that user exists by the time a later batch runs.
    rows[1_150] = row(1_152, 'p1150@x.test', { copyAccessFrom: 'p0@x.test' });
    const id = randomUUID();
    const parts = [rows.slice(600), rows.slice(0, 600)];
    const first = await admin.imports.commit({ ...commitInput(rows, {}, id), rows: parts[0] ?? [] });
    expect(first.status).toBe('receiving');
    expect(await claimOperation(h.db, h.config, h.clock.now(), id)).toBeNull();
    await admin.imports.commit({ ...commitInput(rows, {}, id), rows: parts[0] ?? [] });
    const queued = await admin.imports.commit({ ...commitInput(rows, {}, id), rows: parts[1] ?? [] });
    // Over 1,000 rows: left to the background worker.
    expect(queued).toMatchObject({ status: 'queued', total: 1_200, processed: 0 });

    // Meanwhile someone creates one of these people by hand: the import skips them.
    await h.createUser({ email: 'p5@x.test' });
    expect(await claimOperation(h.db, h.config, h.clock.now(), id)).toBe(id);
    await runOperation(h.db, id, { ...h.config, bulkConcurrency: 2 }, { now: h.clock.now, batchSize: 300 });
    const done = await admin.bulk.get({ id });
    expect(done).toMatchObject({ status: 'completed_with_skips', processed: 1_200 });
    expect(done.counts).toEqual({ change: 1_197, skip: 2, blocked: 1, failed: 0 });
    const refused = await admin.bulk.results({ id, outcome: 'blocked' });
    expect(refused.items.map((r) => [r.position, r.reason])).toEqual([[1_152, 'source_is_new']]);
    const skips = await admin.bulk.results({ id, outcome: 'skip' });
    expect(skips.items.map((r) => [r.email, r.reason])).toEqual([
      ['p5@x.test', 'already_exists'],
      ['p1@x.test', 'duplicate_in_file'],
    ]);
    const p1 = await h.db.select().from(users).where(eq(users.email, 'p1@x.test'));
    expect(p1).toHaveLength(1);
    expect(p1[0]?.lastName).toBe('Last 3');
  });

  it('asks for confirmation before creating administrators, and refuses bad input, writing nothing', async () => {
    const before = await h.counts();
    await expectTRPCError(
      admin.imports.commit(commitInput([row(2, 'boss@x.test', { role: 'administrator' })])),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    await expectTRPCError(
      admin.imports.commit({
        ...commitInput([row(2, 'a@x.test')]),
        import: { ...commitInput([]).import, fileSha256: 'xyz', totalRows: 1 },
      }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      admin.imports.commit(commitInput([row(2, 'a@x.test')], { totalRows: 100_001 })),
      'BAD_REQUEST',
      'invalid_input',
    );
    const reader = await h.asSession((await h.signedIn('Reader')).session);
    const afterReader = await h.counts();
    await expectTRPCError(reader.imports.commit(commitInput([row(2, 'a@x.test')])), 'FORBIDDEN', 'not_admin');
    expect(await h.counts()).toEqual(afterReader);
    expect(afterReader.users).toBe(before.users + 1);
    expect(await h.db.select().from(bulkOperations)).toEqual([]);
    // A row for an existing administrator creates nobody: no confirmation is needed for it.
    const again = await admin.imports.preview({
      rows: [row(2, 'ada@roster.test', { role: 'Administrator' })],
    });
    expect(again.rows[0]).toMatchObject({ outcome: 'skip', reason: 'already_exists', privileged: false });
    const reupload = await admin.imports.commit(
      commitInput([row(2, 'ada@roster.test', { role: 'Administrator' })]),
    );
    expect(reupload.counts).toMatchObject({ change: 0, skip: 1 });

    const confirmed = await admin.imports.commit({
      ...commitInput([row(2, 'boss@x.test', { role: 'administrator' })]),
      confirmPrivileged: true,
    });
    expect(confirmed.counts.change).toBe(1);
    const [boss] = await h.db
      .select({ roleId: users.roleId })
      .from(users)
      .innerJoin(roles, eq(roles.id, users.roleId))
      .where(and(eq(users.email, 'boss@x.test'), eq(roles.isAdmin, true)));
    expect(boss).toBeDefined();
  });
});
