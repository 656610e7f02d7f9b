import { randomUUID } from 'node:crypto';
import { moduleAccess, users } from '@roster/db';
import { type BulkPreviewInput, SELECTION_MAX_IDS } from '@roster/domain';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { expectTRPCError, useHarness } from './harness';

const h = useHarness({ admin: true });

describe('bulk.preview', () => {
  it('decides every selected user with the domain rule, and writes nothing', async () => {
    const active = await h.createUser({ status: 'active' });
    const deactivated = await h.createUser({ status: 'deactivated' });
    const before = await h.counts();
    const preview = await h.admin.caller.bulk.preview({
      operation: { kind: 'deactivate' },
      selection: { ids: [active.id, deactivated.id, h.admin.user.id] },
    });
    expect(preview).toMatchObject({
      total: 3,
      counts: { change: 1, skip: 1, blocked: 1 },
      reasons: { already_deactivated: 1, self: 1 },
    });
    expect(preview.samples.change).toEqual([
      {
        userId: active.id,
        email: active.email,
        outcome: 'change',
        before: { status: 'active' },
        after: { status: 'deactivated' },
      },
    ]);
    expect(preview.samples['blocked:self']?.[0]?.userId).toBe(h.admin.user.id);
    const [still] = await h.db.select({ status: users.status }).from(users).where(eq(users.id, active.id));
    expect(still?.status).toBe('active');
    expect(await h.counts()).toEqual(before);
  });

  it('a filter selection is resolved on the server and refused when the count changed', async () => {
    for (let i = 0; i < 3; i++) await h.createUser({ status: 'created' });
    const preview = await h.admin.caller.bulk.preview({
      operation: { kind: 'invite' },
      selection: { filter: { status: ['created'] }, expectedCount: 3 },
    });
    expect(preview).toMatchObject({ total: 3, counts: { change: 3, skip: 0, blocked: 0 } });
    await expectTRPCError(
      h.admin.caller.bulk.preview({
        operation: { kind: 'invite' },
        selection: { filter: { status: ['created'] }, expectedCount: 2 },
      }),
      'CONFLICT',
      'selection_changed',
    );
  });

  it('keeps one active administrator across batches of a large selection', async () => {
    const admins = [
      await h.createUser({ status: 'active', role: 'Administrator' }),
      await h.createUser({ status: 'active', role: 'Administrator' }),
    ];
    const preview = await h.admin.caller.bulk.preview({
      operation: { kind: 'assign_role', roleId: h.roleId('Reader') },
      selection: { ids: [...admins.map((a) => a.id)] },
    });
    // Three active admins (the actor and two others): both others can be demoted.
    expect(preview.counts).toEqual({ change: 2, skip: 0, blocked: 0 });
    const all = await h.admin.caller.bulk.preview({
      operation: { kind: 'deactivate' },
      selection: { ids: admins.map((a) => a.id) },
    });
    expect(all.counts.change).toBe(2);
  });

  it('shows each user the diff of a copy of access', async () => {
    const source = await h.createUser({ status: 'active' });
    const target = await h.createUser({ status: 'active' });
    await h.db.insert(moduleAccess).values([
      { userId: source.id, module: 'budget', level: 'edit' },
      { userId: target.id, module: 'budget', level: 'read' },
      { userId: target.id, module: 'portfolio', level: 'edit' },
    ]);
    const preview = await h.admin.caller.bulk.preview({
      operation: { kind: 'copy_access', sourceUserId: source.id, mode: 'merge' },
      selection: { ids: [target.id, source.id] },
    });
    expect(preview.counts).toEqual({ change: 1, skip: 1, blocked: 0 });
    expect(preview.samples.change?.[0]).toMatchObject({
      before: { modules: { budget: 'read', portfolio: 'edit' } },
      after: { modules: { budget: 'edit', portfolio: 'edit' } },
    });
    expect(preview.reasons).toEqual({ is_source: 1 });
  });

  it('counts the users who would become administrators', async () => {
    const user = await h.createUser({ status: 'active' });
    const preview = await h.admin.caller.bulk.preview({
      operation: { kind: 'assign_role', roleId: h.roleId('Administrator') },
      selection: { ids: [user.id] },
    });
    expect(preview.becomeAdministrators).toBe(1);
    expect(preview.loseAdministratorRole).toBe(0);
  });

  it('counts the administrators who would lose the role, and breaks role changes down by from → to', async () => {
    const adminRole = h.roleId('Administrator');
    const contributorRole = h.roleId('Contributor');
    const admins = [
      await h.createUser({ status: 'active', role: 'Administrator' }),
      await h.createUser({ status: 'active', role: 'Administrator' }),
      await h.createUser({ status: 'deactivated', role: 'Administrator' }),
    ];
    const readers = [await h.createUser({ status: 'active' }), await h.createUser({ status: 'invited' })];
    const preview = await h.admin.caller.bulk.preview({
      operation: { kind: 'assign_role', roleId: contributorRole },
      selection: { ids: [...readers, ...admins].map((u) => u.id).concat(h.admin.user.id) },
    });
    expect(preview).toMatchObject({
      total: 6,
      counts: { change: 5, skip: 0, blocked: 1 },
      reasons: { self: 1 },
      becomeAdministrators: 0,
      loseAdministratorRole: 3,
    });
    expect(preview.roleChanges).toEqual([
      { fromRoleId: adminRole, toRoleId: contributorRole, count: 3 },
      { fromRoleId: h.roleId('Reader'), toRoleId: contributorRole, count: 2 },
    ]);

    // "All active administrators": resolved on the server, the acting admin blocked, not counted.
    const byFilter = await h.admin.caller.bulk.preview({
      operation: { kind: 'assign_role', roleId: contributorRole },
      selection: { filter: { status: ['active'], roleIds: [adminRole] }, expectedCount: 3 },
    });
    expect(byFilter).toMatchObject({ counts: { change: 2, blocked: 1 }, loseAdministratorRole: 2 });
    expect(byFilter.roleChanges).toEqual([{ fromRoleId: adminRole, toRoleId: contributorRole, count: 2 }]);
  });

  it('refuses bad requests with typed errors', async () => {
    const user = await h.createUser({ status: 'active' });
    const before = (await h.counts()).auditEvents;
    const deactivate: BulkPreviewInput['operation'] = { kind: 'deactivate' };
    const refusals: [BulkPreviewInput, TRPC_ERROR_CODE_KEY, string][] = [
      [
        { operation: { kind: 'assign_role', roleId: randomUUID() }, selection: { ids: [user.id] } },
        'BAD_REQUEST',
        'unknown_role',
      ],
      [
        { operation: { kind: 'copy_access', sourceUserId: randomUUID() }, selection: { ids: [user.id] } },
        'BAD_REQUEST',
        'unknown_source_user',
      ],
      [{ operation: deactivate, selection: { ids: [] } }, 'BAD_REQUEST', 'empty_selection'],
      [{ operation: deactivate, selection: { ids: [user.id, randomUUID()] } }, 'NOT_FOUND', 'user_not_found'],
      [
        { operation: deactivate, selection: { filter: { search: 'nobody-at-all' }, expectedCount: 0 } },
        'BAD_REQUEST',
        'empty_selection',
      ],
      [
        {
          operation: deactivate,
          selection: { ids: Array.from({ length: SELECTION_MAX_IDS + 1 }, () => user.id) },
        },
        'BAD_REQUEST',
        'invalid_input',
      ],
      [{ operation: deactivate, selection: { ids: ['not-a-uuid'] } }, 'BAD_REQUEST', 'invalid_input'],
    ];
    for (const [input, code, domainCode] of refusals) {
      await expectTRPCError(h.admin.caller.bulk.preview(input), code, domainCode);
    }
    expect((await h.counts()).auditEvents).toBe(before);
  });
});
