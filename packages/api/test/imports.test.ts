import { randomUUID } from 'node:crypto';
import {
  auditEvents,
  bulkOperationBatches,
  bulkOperationItems,
  bulkOperations,
  createDb,
  emailOutbox,
  functionalMemberships,
  functionalResources,
  invitations,
  moduleAccess,
  orgUnits,
  queryRows,
  roles,
  userRights,
  userScopes,
  users,
} from '@roster/db';
import { signal } from '@roster/db/testing';
import {
  IMPORT_CHUNK_ROWS,
  type ImportCommitInput,
  type ImportFile,
  type ImportRowInput,
} from '@roster/domain';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { bulkResultsCsv, claimOperation, runOperation } from '../src';
import { IMPORT_PREVIEW_TTL_MS } from '../src/imports/previewImport';
import { type Caller, callerWithConfig, expectTRPCError, useHarness } from './harness';

const h = useHarness();
let admin: Caller;
let adminSession: string;

beforeEach(async () => {
  adminSession = (await h.signedIn('Administrator', { email: 'ada@roster.test' })).session;
  admin = await h.asSession(adminSession);
});

/** The admin, with committed imports cut into batches of `rows` rows. */
async function adminWithBatchesOf(rows: number) {
  const { ctx } = await h.request({ sessionToken: adminSession });
  return callerWithConfig(ctx, { bulkBatchSize: rows });
}

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

type Choices = Omit<ImportCommitInput, 'operationId'>;

/** The file part of a preview: a digest, a name and the number of rows. */
function fileOf(rows: ImportRowInput[], options: Partial<ImportFile> = {}): ImportFile {
  return { fileSha256: SHA, fileName: 'people.csv', totalRows: rows.length, ...options };
}

/** Previews every row under the import `id`, in chunks of `chunk` rows; returns the answers. */
async function previewAll(
  rows: ImportRowInput[],
  id = randomUUID(),
  options: { file?: Partial<ImportFile>; chunk?: number; caller?: Caller } = {},
) {
  const answers = [];
  const size = options.chunk ?? IMPORT_CHUNK_ROWS;
  for (let i = 0; i < rows.length; i += size) {
    answers.push(
      await (options.caller ?? admin).imports.preview({
        operationId: id,
        file: fileOf(rows, options.file),
        rows: rows.slice(i, i + size),
      }),
    );
  }
  return { id, answers };
}

/** The whole flow, as the web app runs it: every row previewed, then the commit with the admin's choices. */
async function importRows(
  rows: ImportRowInput[],
  choices: Partial<Choices> = {},
  options: { file?: Partial<ImportFile> } = {},
) {
  const { id } = await previewAll(rows, randomUUID(), options);
  return admin.imports.commit({ operationId: id, invite: false, ...choices });
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
  it('gives every row its verdict against the database, keeps the rows and creates nobody', async () => {
    await h.createUser({ email: 'taken@x.test' });
    await h.createUser({ email: 'source@x.test' });
    const before = await h.counts();
    const rows = [
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
    ];
    const { id, answers } = await previewAll(rows);
    const [preview] = answers;
    // Only the rows that will not simply be created are listed (lines 2 and 6 are plain creations).
    expect(preview?.rows.map((r) => [r.line, r.outcome, r.reason])).toEqual([
      [3, 'skip', 'already_exists'],
      [4, 'error', 'unknown_role'],
      [5, 'error', 'unknown_source_user'],
      [7, 'skip', 'duplicate_in_file'],
      [8, 'error', 'invalid_email'],
      [9, 'error', 'missing_email'],
      [10, 'error', 'source_is_new'],
      [11, 'create', null],
    ]);
    expect(preview?.rows.find((r) => r.line === 7)?.email).toBe('new@x.test');
    expect(preview?.counts).toMatchObject({ total: 10, create: 3, skip: 2, error: 5 });
    expect(preview?.rows.filter((r) => r.privileged).map((r) => r.line)).toEqual([11]);
    expect(await h.counts()).toEqual(before);

    // The rows wait for the commit, under the import's id, e-mails normalised; the import is no
    // operation yet: the history does not list it.
    const kept = await h.db
      .select({ position: bulkOperationItems.position, email: bulkOperationItems.email })
      .from(bulkOperationItems)
      .where(eq(bulkOperationItems.operationId, id))
      .orderBy(bulkOperationItems.position);
    expect(kept.map((k) => k.position)).toEqual(rows.map((r) => r.line));
    expect(kept[0]?.email).toBe('new@x.test');
    expect(kept.find((k) => k.position === 8)?.email).toBeNull();
    expect((await admin.bulk.get({ id })).status).toBe('receiving');
    expect((await admin.bulk.list()).items).toEqual([]);
  });

  it('stores a chunk sent again only once', async () => {
    const rows = [row(2, 'a@x.test'), row(3, 'b@x.test')];
    const { id } = await previewAll(rows);
    await previewAll(rows, id);
    const kept = await h.db.select().from(bulkOperationItems).where(eq(bulkOperationItems.operationId, id));
    expect(kept).toHaveLength(2);
  });

  it('refuses non-administrators, another file or another admin under the same id, oversized chunks and malformed rows, keeping nothing', async () => {
    const reader = (await h.signedIn('Reader')).caller;
    const other = (await h.signedIn('Administrator', { email: 'grace@roster.test' })).caller;
    const one = [row(2, 'a@x.test')];
    await expectTRPCError(previewAll(one, randomUUID(), { caller: reader }), 'FORBIDDEN', 'not_admin');
    const { id } = await previewAll(one);
    await expectTRPCError(
      previewAll(one, id, { file: { fileSha256: 'c'.repeat(64) } }),
      'CONFLICT',
      'operation_conflict',
    );
    await expectTRPCError(previewAll(one, id, { file: { totalRows: 2 } }), 'CONFLICT', 'operation_conflict');
    await expectTRPCError(
      previewAll([row(3, 'b@x.test')], id, { caller: other }),
      'CONFLICT',
      'operation_conflict',
    );
    const many = Array.from({ length: IMPORT_CHUNK_ROWS + 1 }, (_, i) => row(i + 2, `u${i}@x.test`));
    const file = fileOf(many);
    await expectTRPCError(
      admin.imports.preview({ operationId: randomUUID(), file, rows: many }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      admin.imports.preview({ operationId: randomUUID(), file, rows: [] }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      admin.imports.preview({ operationId: randomUUID(), file, rows: [{ ...row(2, 'a@x.test'), line: 0 }] }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      admin.imports.preview({
        operationId: randomUUID(),
        file,
        rows: [{ ...row(2, 'a@x.test'), line: 2 ** 31 }],
      }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      admin.imports.preview({
        operationId: randomUUID(),
        file: { ...file, fileName: 'a\u0000.csv' },
        rows: one,
      }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      admin.imports.preview({ operationId: 'not-a-uuid', file, rows: one }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      admin.imports.preview({ operationId: randomUUID(), file: { ...file, totalRows: 100_001 }, rows: one }),
      'BAD_REQUEST',
      'invalid_input',
    );
    // Only the first, good preview was kept: one import, one row.
    expect(await h.db.select({ id: bulkOperations.id }).from(bulkOperations)).toEqual([{ id }]);
    expect(await h.db.select().from(bulkOperationItems)).toHaveLength(1);
  });

  it('keeps rows with characters PostgreSQL cannot store, and refuses them as the browser does', async () => {
    const rows = [
      row(2, 'nul@x.test', { firstName: 'Ada\u0000' }),
      row(3, 'half\ud800@x.test'),
      row(4, 'surrogate@x.test', { lastName: 'Love\udc00lace' }),
      row(5, 'emoji@x.test', { lastName: 'Lovelace 😀' }),
      // The user to copy from, as a lookup of it would send it (it failed the whole chunk: a 500).
      row(6, 'source@x.test', { copyAccessFrom: 'g\u0000@x.test' }),
    ];
    const { id, answers } = await previewAll(rows);
    expect(answers[0]?.rows.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [2, 'invalid_characters', 'first_name'],
      [3, 'invalid_email', null],
      [4, 'invalid_characters', 'last_name'],
      [6, 'invalid_source_email', null],
    ]);
    const op = await admin.imports.commit({ operationId: id, invite: false });
    expect(op.counts).toMatchObject({ change: 1, blocked: 4 });
    const made = await byEmail(['emoji@x.test']);
    expect(made.get('emoji@x.test')?.lastName).toBe('Lovelace 😀');
    const results = await admin.bulk.results({ id });
    expect(results.items.map((r) => [r.position, r.outcome, r.reason])).toEqual([
      [2, 'blocked', 'invalid_characters'],
      [3, 'blocked', 'invalid_email'],
      [4, 'blocked', 'invalid_characters'],
      [5, 'change', null],
      [6, 'blocked', 'invalid_source_email'],
    ]);
  });

  it('refuses a row the browser could not read as CSV, with its line and sentence, writing nothing for it', async () => {
    // The cells of line 3 would make a valid user: only the parser's error refuses it.
    const broken = row(3, 'broken@x.test', { parseError: { reason: 'misplaced_quote', lastLine: 4 } });
    const rows = [row(2, 'before@x.test'), broken, row(5, 'after@x.test')];
    const before = await h.counts();
    const { id, answers } = await previewAll(rows);
    expect(answers[0]?.rows.map((r) => [r.line, r.outcome, r.reason, r.detail])).toEqual([
      [3, 'error', 'misplaced_quote', '4'],
    ]);
    const op = await admin.imports.commit({ operationId: id, invite: false });
    expect(op.counts).toEqual({ change: 2, skip: 0, blocked: 1, failed: 0 });
    const results = await admin.bulk.results({ id });
    expect(results.items.map((r) => [r.position, r.outcome, r.reason, r.sentence])).toEqual([
      [2, 'change', null, null],
      [
        3,
        'blocked',
        'misplaced_quote',
        'A quotation mark on this line is misplaced, so the lines after it, up to line 4, were read into this row. Check its quotation marks.',
      ],
      [5, 'change', null, null],
    ]);
    expect([...(await byEmail(['before@x.test', 'broken@x.test', 'after@x.test'])).keys()].sort()).toEqual([
      'after@x.test',
      'before@x.test',
    ]);
    const audited = await h.db.select().from(auditEvents).where(eq(auditEvents.operationId, id));
    expect(audited.map((a) => a.after)).not.toContainEqual(expect.objectContaining({ line: 3 }));
    expect((await h.counts()).users).toBe(before.users + 2);
  });

  it('drops a preview nobody committed after a day', async () => {
    const { id: stale } = await previewAll([row(2, 'a@x.test')]);
    h.clock.advance(IMPORT_PREVIEW_TTL_MS + 60_000);
    const { id: fresh } = await previewAll([row(2, 'b@x.test')]);
    const left = await h.db.select({ id: bulkOperations.id }).from(bulkOperations);
    expect(left).toEqual([{ id: fresh }]);
    const items = await h.db
      .select()
      .from(bulkOperationItems)
      .where(eq(bulkOperationItems.operationId, stale));
    expect(items).toEqual([]);
    await expectTRPCError(
      admin.imports.commit({ operationId: stale, invite: false }),
      'NOT_FOUND',
      'import_not_previewed',
    );
  });
});

describe('imports.commit', () => {
  it('creates the valid rows with their role and copied access, audited, with per-row results', async () => {
    const source = await sourceUser('source@x.test');
    await h.createUser({ email: 'taken@x.test' });
    const op = await importRows(
      [
        row(2, 'Grace@X.test', { firstName: 'Grace', lastName: 'Hopper', role: 'buyer' }),
        row(3, 'alan@x.test', { copyAccessFrom: 'source@x.test' }),
        row(4, 'taken@x.test'),
        row(5, 'grace@x.test'),
        row(6, '=HYPERLINK("http://evil")'),
        row(7, 'odd@x.test', { role: 'Astronaut' }),
      ],
      {},
      { file: { fileSha256: 'b'.repeat(64) } },
    );
    expect(op).toMatchObject({ kind: 'import', status: 'completed_with_skips', total: 6, processed: 6 });
    expect(op.counts).toEqual({ change: 2, skip: 2, blocked: 2, failed: 0 });

    const created = await byEmail(['grace@x.test', 'alan@x.test']);
    const buyer = h.roleId('Buyer');
    expect(created.get('grace@x.test')).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      status: 'created',
      roleId: buyer,
    });
    const alan = created.get('alan@x.test');
    expect(alan).toMatchObject({ status: 'created', roleId: h.roleId('Reader') });
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
    const afterOf = new Map(audit.map((a) => [a.userId, a.after]));
    expect(afterOf.get(alan?.id ?? '')).toEqual({
      email: 'alan@x.test',
      firstName: 'First',
      lastName: 'Last 3',
      roleId: h.roleId('Reader'),
      status: 'created',
      copiedAccessFrom: source.id,
      line: 3,
    });
    expect(afterOf.get(created.get('grace@x.test')?.id ?? '')).toEqual({
      email: 'grace@x.test',
      firstName: 'Grace',
      lastName: 'Hopper',
      roleId: buyer,
      status: 'created',
      line: 2,
    });

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
    const download = await bulkResultsCsv(h.db, op.id);
    for await (const chunk of download?.lines ?? []) csv += chunk;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('invites the created users when chosen', async () => {
    const op = await importRows([row(2, 'a@x.test'), row(3, 'b@x.test')], {
      invite: true,
      message: 'Welcome!',
    });
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
    const [stored] = await h.db.select().from(bulkOperations).where(eq(bulkOperations.id, op.id));
    expect(stored?.params).toMatchObject({ kind: 'import', invite: true, message: 'Welcome!', totalRows: 2 });
    expect((await admin.bulk.list()).items.map((o) => o.id)).toEqual([op.id]);
  });

  it('is idempotent: a retried commit returns the same operation and creates nothing twice', async () => {
    const rows = [row(2, 'a@x.test'), row(3, 'b@x.test')];
    const { id } = await previewAll(rows);
    const first = await admin.imports.commit({ operationId: id, invite: false });
    const before = await h.counts();
    const again = await admin.imports.commit({ operationId: id, invite: false });
    expect(again.id).toBe(first.id);
    expect(again.counts).toEqual(first.counts);
    expect(await h.counts()).toEqual(before);
    await expectTRPCError(
      admin.imports.commit({ operationId: id, invite: true }),
      'CONFLICT',
      'operation_conflict',
    );
    // Previewed again under its id (a command run twice): the verdicts, and nothing stored or created.
    const { answers } = await previewAll(rows, id);
    expect(answers[0]?.rows.map((r) => r.reason)).toEqual(['already_exists', 'already_exists']);
    expect(
      await h.db.select().from(bulkOperationItems).where(eq(bulkOperationItems.operationId, id)),
    ).toHaveLength(2);
    expect(await h.counts()).toEqual(before);
  });

  it('refuses an import not previewed, or not previewed whole, writing nothing', async () => {
    const before = await h.counts();
    await expectTRPCError(
      admin.imports.commit({ operationId: randomUUID(), invite: false }),
      'NOT_FOUND',
      'import_not_previewed',
    );
    const rows = [row(2, 'a@x.test'), row(3, 'b@x.test'), row(4, 'c@x.test')];
    const id = randomUUID();
    await admin.imports.preview({ operationId: id, file: fileOf(rows), rows: rows.slice(0, 2) });
    const refusal = await expectTRPCError(
      admin.imports.commit({ operationId: id, invite: false }),
      'PRECONDITION_FAILED',
      'import_incomplete',
    );
    expect(refusal.message).toContain("Only 2 of the file's 3 rows have been previewed");
    expect((await admin.bulk.get({ id })).status).toBe('receiving');
    // A bulk operation's id is not an import's.
    const target = await h.createUser({ email: 'target@x.test' });
    const other = await admin.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { ids: [target.id] },
    });
    await expectTRPCError(
      admin.imports.commit({ operationId: other.id, invite: false }),
      'CONFLICT',
      'operation_conflict',
    );
    expect((await h.counts()).users).toBe(before.users + 1);
    // The rest of the file arrives: the commit goes through.
    await admin.imports.preview({ operationId: id, file: fileOf(rows), rows: rows.slice(2) });
    expect((await admin.imports.commit({ operationId: id, invite: false })).counts.change).toBe(3);
  });

  it('takes chunks in any order and sent twice, then runs two batches at a time', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => row(i + 2, `p${i}@x.test`));
    // The same person on line 3 and on line 1,100: the later line is the duplicate, across batches.
    rows[1_098] = row(1_100, 'p1@x.test');
    // Access copied from someone this file creates (line 2, in the first batch): refused as the
    // preview said, though that user exists by the time a later batch runs.
    rows[1_150] = row(1_152, 'p1150@x.test', { copyAccessFrom: 'p0@x.test' });
    const id = randomUUID();
    const file = fileOf(rows);
    await admin.imports.preview({ operationId: id, file, rows: rows.slice(600) });
    await admin.imports.preview({ operationId: id, file, rows: rows.slice(600) });
    await admin.imports.preview({ operationId: id, file, rows: rows.slice(0, 600) });
    expect(await claimOperation(h.db, h.config, h.clock.now(), id)).toBeNull();
    const queued = await (await adminWithBatchesOf(300)).imports.commit({ operationId: id, invite: false });
    // Over 1,000 rows: left to the background worker, in batches of 300 rows.
    expect(queued).toMatchObject({ status: 'queued', total: 1_200, processed: 0 });
    expect(
      await h.db.select().from(bulkOperationBatches).where(eq(bulkOperationBatches.operationId, id)),
    ).toHaveLength(4);

    // Meanwhile someone creates one of these people by hand: the import skips them.
    await h.createUser({ email: 'p5@x.test' });
    expect(await claimOperation(h.db, h.config, h.clock.now(), id)).toBe(id);
    await runOperation(h.db, id, { ...h.config, bulkConcurrency: 2 }, { now: h.clock.now });
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
    expect(
      await h.db.select().from(bulkOperationBatches).where(eq(bulkOperationBatches.operationId, id)),
    ).toEqual([]);
  });

  it('records the rows it did not reach as failed when a batch fails', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => row(i + 2, `f${i}@x.test`));
    const { id } = await previewAll(rows);
    await (await adminWithBatchesOf(300)).imports.commit({ operationId: id, invite: false });
    // The third batch's users cannot be written.
    await h.db.execute(sql`create function refuse_f700() returns trigger language plpgsql as $$
      begin if new.email = 'f700@x.test' then raise exception 'disk on fire'; end if; return new; end $$`);
    await h.db.execute(
      sql`create trigger refuse_f700 before insert on users for each row execute function refuse_f700()`,
    );
    try {
      expect(await claimOperation(h.db, h.config, h.clock.now(), id)).toBe(id);
      await runOperation(h.db, id, h.config, { now: h.clock.now });
    } finally {
      await h.db.execute(sql`drop trigger refuse_f700 on users`);
      await h.db.execute(sql`drop function refuse_f700()`);
    }
    const failed = await admin.bulk.get({ id });
    expect(failed).toMatchObject({ status: 'failed', processed: 1_200 });
    expect(failed.counts).toEqual({ change: 600, skip: 0, blocked: 0, failed: 600 });
    const unreached = await admin.bulk.results({ id, outcome: 'failed', limit: 1 });
    expect(unreached.items.map((r) => [r.position, r.reason])).toEqual([[602, 'unexpected_error']]);
    expect((await byEmail(['f599@x.test', 'f600@x.test', 'f700@x.test'])).size).toBe(1);
  });

  it.runIf(process.env.DATABASE_URL)(
    'racing a manual creation of the same e-mail ends with one user and a skip',
    async () => {
      const rows = [row(2, 'race@x.test'), row(3, 'calm@x.test')];
      const { id } = await previewAll(rows);
      // Another connection creates the same person and has not committed when the import writes.
      const other = await createDb({ url: h.testDb.url ?? '', maxConnections: 1 });
      try {
        const reader = h.roleId('Reader');
        const { fired: held, fire: release } = signal();
        const { fired: insertedIn, fire: inserted } = signal();
        const manual = other.db.transaction(async (tx) => {
          await tx.insert(users).values({ email: 'race@x.test', status: 'created', roleId: reader });
          inserted();
          await held;
        });
        await insertedIn;
        // The import's lookup sees nobody; its insert then waits on the manual one's e-mail.
        const commit = admin.imports.commit({ operationId: id, invite: false });
        for (;;) {
          const waiting = await queryRows<{ n: number }>(
            h.db,
            sql`select 1 as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'
                and query like '%insert into users%' and pid <> pg_backend_pid()`,
          );
          if (waiting.length > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        release();
        await manual;
        const op = await commit;
        expect(op.counts).toEqual({ change: 1, skip: 1, blocked: 0, failed: 0 });
        expect(
          (await admin.bulk.results({ id, outcome: 'skip' })).items.map((r) => [r.email, r.reason]),
        ).toEqual([['race@x.test', 'already_exists']]);
        expect(await h.db.select().from(users).where(eq(users.email, 'race@x.test'))).toHaveLength(1);
        expect(await byEmail(['calm@x.test'])).toHaveProperty('size', 1);
        // Only the user the import created has its audit event.
        const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.operationId, id));
        expect(audit.map((a) => a.after)).toEqual([
          expect.objectContaining({ email: 'calm@x.test', line: 3 }),
        ]);
      } finally {
        await other.close();
      }
    },
  );

  it('asks for confirmation before creating administrators, and refuses bad input, writing nothing', async () => {
    const before = await h.counts();
    const { id } = await previewAll([row(2, 'boss@x.test', { role: 'administrator' })]);
    await expectTRPCError(
      admin.imports.commit({ operationId: id, invite: false }),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    await expectTRPCError(
      admin.imports.commit({ operationId: 'nope', invite: false }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      admin.imports.commit({ operationId: id, invite: false, message: 'x'.repeat(2001) }),
      'BAD_REQUEST',
      'invalid_input',
    );
    const reader = (await h.signedIn('Reader')).caller;
    const afterReader = await h.counts();
    await expectTRPCError(
      reader.imports.commit({ operationId: id, invite: false }),
      'FORBIDDEN',
      'not_admin',
    );
    expect(await h.counts()).toEqual(afterReader);
    expect(afterReader.users).toBe(before.users + 1);
    expect((await admin.bulk.get({ id })).status).toBe('receiving');
    // A row for an existing administrator creates nobody: no confirmation is needed for it.
    const { answers } = await previewAll([row(2, 'ada@roster.test', { role: 'Administrator' })]);
    expect(answers[0]?.rows[0]).toMatchObject({
      outcome: 'skip',
      reason: 'already_exists',
      privileged: false,
    });
    const reupload = await importRows([row(2, 'ada@roster.test', { role: 'Administrator' })]);
    expect(reupload.counts).toMatchObject({ change: 0, skip: 1 });

    const confirmed = await admin.imports.commit({ operationId: id, invite: false, confirmPrivileged: true });
    expect(confirmed.counts.change).toBe(1);
    const [boss] = await h.db
      .select({ roleId: users.roleId })
      .from(users)
      .innerJoin(roles, eq(roles.id, users.roleId))
      .where(and(eq(users.email, 'boss@x.test'), eq(roles.isAdmin, true)));
    expect(boss).toBeDefined();
  });
});
