import { randomUUID } from 'node:crypto';
import { auditEvents, bulkOperations, emailOutbox, invitations, moduleAccess, users } from '@roster/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Caller, errorShapeOf, expectTRPCError, useHarness } from './harness';

const h = useHarness();
let admin: Caller;

beforeEach(async () => {
  admin = (await h.signedIn('Administrator', { email: 'ada@roster.test' })).caller;
});

const userByEmail = async (email: string) =>
  (await h.db.select().from(users).where(eq(users.email, email)))[0];

/** The same person, created by a one-row import through imports.preview and imports.commit. */
async function importOne(email: string, extra: { role?: string; copyAccessFrom?: string } = {}) {
  const operationId = randomUUID();
  await admin.imports.preview({
    operationId,
    file: { fileSha256: 'c'.repeat(64), fileName: 'one.csv', totalRows: 1 },
    rows: [
      {
        line: 1,
        email,
        firstName: 'Grace',
        lastName: 'Hopper',
        role: extra.role ?? '',
        copyAccessFrom: extra.copyAccessFrom ?? '',
      },
    ],
  });
  return admin.imports.commit({ operationId, invite: false });
}

/** The field a refusal names in `data.issues`. */
async function refusedField(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return errorShapeOf(error).data.issues?.[0]?.path[0];
  }
  return undefined;
}

describe('users.create (New user: a one-row import)', () => {
  it('creates the user as an import operation, with the import row audit, access copied and no invitation', async () => {
    const source = await h.createUser({ email: 'source@x.test' });
    await h.db.insert(moduleAccess).values({ userId: source.id, module: 'budget', level: 'edit' });
    const op = await admin.users.create({
      operationId: randomUUID(),
      email: '  Grace@X.test ',
      firstName: 'Grace',
      lastName: 'Hopper',
      role: 'buyer',
      copyAccessFrom: 'source@x.test',
      invite: false,
    });
    expect(op).toMatchObject({ kind: 'import', status: 'succeeded', total: 1 });
    expect(op.counts).toMatchObject({ change: 1 });
    const grace = await userByEmail('grace@x.test');
    expect(grace).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', status: 'created' });
    expect(grace?.roleId).toBe(h.roleId('Buyer'));
    expect(
      await h.db
        .select()
        .from(moduleAccess)
        .where(eq(moduleAccess.userId, grace?.id ?? '')),
    ).toEqual([expect.objectContaining({ module: 'budget', level: 'edit' })]);
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.operationId, op.id));
    expect(audit.map((a) => [a.action, a.userId])).toEqual([['user.import', grace?.id]]);
    expect(audit[0]?.after).toEqual({
      email: 'grace@x.test',
      firstName: 'Grace',
      lastName: 'Hopper',
      roleId: h.roleId('Buyer'),
      status: 'created',
      copiedAccessFrom: source.id,
      line: 1,
    });
    const [stored] = await h.db.select().from(bulkOperations).where(eq(bulkOperations.id, op.id));
    expect(stored?.params).toMatchObject({
      kind: 'import',
      fileName: 'New user',
      totalRows: 1,
      invite: false,
    });
    const results = await admin.bulk.results({ id: op.id });
    expect(results.items.map((r) => [r.email, r.outcome])).toEqual([['grace@x.test', 'change']]);
  });

  it('records what a one-row import of the same person records', async () => {
    const viaImport = await importOne('imported@x.test', { role: 'Buyer' });
    const viaForm = await admin.users.create({
      operationId: randomUUID(),
      email: 'formed@x.test',
      firstName: 'Grace',
      lastName: 'Hopper',
      role: 'Buyer',
      invite: false,
    });
    const strip = (o: typeof viaForm) => ({
      kind: o.kind,
      status: o.status,
      total: o.total,
      counts: o.counts,
    });
    expect(strip(viaForm)).toEqual(strip(viaImport));
    // A creation's audit records the new user's fields: the same but for the e-mail.
    const createdFields = z.record(z.string(), z.unknown());
    const auditOf = async (id: string) =>
      (await h.db.select().from(auditEvents).where(eq(auditEvents.operationId, id))).map((a) => {
        const { email: _, ...after } = createdFields.parse(a.after);
        return [a.action, a.before, after];
      });
    expect(await auditOf(viaForm.id)).toEqual(await auditOf(viaImport.id));
    const imported = await userByEmail('imported@x.test');
    const formed = await userByEmail('formed@x.test');
    expect([formed?.status, formed?.roleId, formed?.firstName]).toEqual([
      imported?.status,
      imported?.roleId,
      imported?.firstName,
    ]);
  });

  it('invites at once when asked: a pending invitation and its e-mail in the outbox', async () => {
    const op = await admin.users.create({ operationId: randomUUID(), email: 'new@x.test', invite: true });
    expect(op.status).toBe('succeeded');
    const created = await userByEmail('new@x.test');
    expect(created?.status).toBe('invited');
    expect(
      await h.db
        .select()
        .from(invitations)
        .where(eq(invitations.userId, created?.id ?? '')),
    ).toEqual([expect.objectContaining({ status: 'pending' })]);
    expect(
      (await h.db.select().from(emailOutbox)).filter((m) => m.to === 'new@x.test'),
      'the invitation e-mail',
    ).toHaveLength(1);
  });

  it("refuses an e-mail already taken with the import's reason, on the e-mail field, and creates nobody", async () => {
    await h.createUser({ email: 'taken@x.test' });
    const before = await h.counts();
    const call = () => admin.users.create({ operationId: randomUUID(), email: 'TAKEN@x.test', invite: true });
    const error = await expectTRPCError(call(), 'CONFLICT', 'already_exists');
    expect(error.message).toBe('A user with this e-mail already exists.');
    expect(await refusedField(call())).toBe('email');
    const after = await h.counts();
    expect(after.users).toBe(before.users);
    expect(after.auditEvents).toBe(before.auditEvents);
    expect(await h.db.select().from(bulkOperations), 'nothing recorded, not even the preview').toEqual([]);
  });

  it.each([
    [{ email: 'not-an-email' }, 'invalid_email', 'email'],
    [{ email: '' }, 'missing_email', 'email'],
    [{ email: 'a@x.test', role: 'Astronaut' }, 'unknown_role', 'role'],
    [{ email: 'a@x.test', copyAccessFrom: 'nobody@x.test' }, 'unknown_source_user', 'copyAccessFrom'],
    [{ email: 'a@x.test', copyAccessFrom: 'nobody' }, 'invalid_source_email', 'copyAccessFrom'],
    [{ email: 'a@x.test', firstName: 'x'.repeat(101) }, 'too_long', 'firstName'],
    [{ email: 'a@x.test', lastName: 'Tab\there' }, 'invalid_characters', 'lastName'],
  ])('refuses %j with %s on the field %s, as the import decides the row', async (fields, code, field) => {
    const before = await h.counts();
    const call = () => admin.users.create({ operationId: randomUUID(), invite: false, ...fields });
    await expectTRPCError(call(), 'BAD_REQUEST', code);
    expect(await refusedField(call())).toBe(field);
    expect((await h.counts()).users).toBe(before.users);
    expect(await h.db.select().from(bulkOperations), 'nothing recorded, not even the preview').toEqual([]);
  });

  it('a refused new user leaves its operation id free: the corrected form is sent again under it', async () => {
    const operationId = randomUUID();
    await expectTRPCError(
      admin.users.create({ operationId, email: 'not-an-email', invite: false }),
      'BAD_REQUEST',
      'invalid_email',
    );
    const op = await admin.users.create({ operationId, email: 'corrected@x.test', invite: false });
    expect(op).toMatchObject({ id: operationId, status: 'succeeded' });
    expect(await userByEmail('corrected@x.test')).toBeDefined();
  });

  it('asks to confirm an administrator, then creates one', async () => {
    const input = { operationId: randomUUID(), email: 'boss@x.test', role: 'Administrator', invite: false };
    await expectTRPCError(admin.users.create(input), 'PRECONDITION_FAILED', 'confirmation_required');
    expect(await userByEmail('boss@x.test')).toBeUndefined();
    expect(await h.db.select().from(bulkOperations)).toEqual([]);
    const op = await admin.users.create({ ...input, confirmPrivileged: true });
    expect(op.status).toBe('succeeded');
    expect((await userByEmail('boss@x.test'))?.roleId).toBe(h.roleId('Administrator'));
  });

  it('is idempotent on its operation id, and refuses the id for another person', async () => {
    const input = { operationId: randomUUID(), email: 'once@x.test', invite: false };
    const first = await admin.users.create(input);
    const again = await admin.users.create(input);
    expect(again.id).toBe(first.id);
    expect(again.status).toBe('succeeded');
    await expectTRPCError(
      admin.users.create({ ...input, email: 'other@x.test' }),
      'CONFLICT',
      'operation_conflict',
    );
    expect(await userByEmail('other@x.test')).toBeUndefined();
  });

  it('is listed as an import and, as an import, cannot be reverted', async () => {
    const op = await admin.users.create({ operationId: randomUUID(), email: 'kept@x.test', invite: false });
    const listed = await admin.bulk.list({});
    expect(listed.items.map((o) => [o.id, o.kind])).toContainEqual([op.id, 'import']);
    const imported = await importOne('kept2@x.test');
    await expectTRPCError(
      admin.bulk.revert({ operationId: randomUUID(), id: imported.id }),
      'BAD_REQUEST',
      'not_revertible',
    );
    await expectTRPCError(
      admin.bulk.revert({ operationId: randomUUID(), id: op.id }),
      'BAD_REQUEST',
      'not_revertible',
    );
  });

  it('as an import, cannot be retried either: not_retryable, nothing recorded', async () => {
    const op = await admin.users.create({ operationId: randomUUID(), email: 'once@x.test', invite: false });
    const imported = await importOne('once2@x.test');
    const before = await h.db.select({ id: bulkOperations.id }).from(bulkOperations);
    for (const id of [op.id, imported.id]) {
      const operationId = randomUUID();
      await expectTRPCError(admin.bulk.retry({ operationId, id }), 'BAD_REQUEST', 'not_retryable');
      expect(await h.db.select().from(bulkOperations).where(eq(bulkOperations.id, operationId))).toEqual([]);
    }
    expect(await h.db.select({ id: bulkOperations.id }).from(bulkOperations)).toHaveLength(before.length);
  });

  it('is for administrators only', async () => {
    const reader = (await h.signedIn('Reader', { email: 'reader@x.test' })).caller;
    await expectTRPCError(
      reader.users.create({ operationId: randomUUID(), email: 'n@x.test', invite: false }),
      'FORBIDDEN',
      'not_admin',
    );
  });
});
