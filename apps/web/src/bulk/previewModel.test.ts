import { USER_STATUSES } from '@roster/domain';
import { describe, expect, it } from 'vitest';
import type { UserRow } from '../users/UsersTable';
import { planUserFromRow, planUsersForIds } from './planUsersFromRows';
import { previewInBrowser } from './previewModel';

const READER = '00000000-0000-7000-8000-00000000000a';
const ADMIN_ROLE = '00000000-0000-7000-8000-00000000000b';
const CONTRIBUTOR_ROLE = '00000000-0000-7000-8000-00000000000c';
const now = new Date('2026-11-25T10:00:00Z');

function row(i: number, patch: Partial<UserRow> = {}): UserRow {
  const status = USER_STATUSES[i % USER_STATUSES.length] ?? 'active';
  return {
    id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    email: `user.${i}@example.test`,
    firstName: 'User',
    lastName: String(i),
    status,
    roleId: READER,
    roleName: 'Reader',
    roleIsAdmin: false,
    createdAt: now,
    lastLoginAt: null,
    version: 1,
    activatedAt: status === 'active' || i % 8 === 3 ? now : null,
    invitation:
      status === 'invited'
        ? { expiresAt: new Date(now.getTime() + 86_400_000), sentCount: 1, lastSentAt: now }
        : null,
    scope: i % 2 ? ['00000000-0000-7000-8000-0000000000u1'] : [],
    rights: i % 3 ? ['buyer'] : ['buyer', 'not_a_right'],
    moduleAccess: ['budget:edit', 'portfolio:read', 'nonsense:edit'],
    ...patch,
  };
}

const context = { actorId: 'actor', now, activeAdminCount: 3, invitationTtlMs: 7 * 86_400_000 };

describe('planUserFromRow', () => {
  it('reads the listed access as the rules compare it, ignoring what the catalogue does not know', () => {
    const user = planUserFromRow(row(1));
    expect(user.access).toEqual({
      modules: { budget: 'edit', portfolio: 'read' },
      scope: ['00000000-0000-7000-8000-0000000000u1'],
      rights: ['buyer'],
    });
    expect(planUserFromRow(row(1))).not.toBe(user); // a new row object is converted anew
  });

  it('needs every selected user loaded', () => {
    const rows = new Map([row(1), row(2)].map((r) => [r.id, r]));
    expect(planUsersForIds([row(2).id, row(1).id], rows)?.map((u) => u.email)).toEqual([
      'user.2@example.test',
      'user.1@example.test',
    ]);
    expect(planUsersForIds([row(1).id, row(3).id], rows)).toBeNull();
  });
});

describe('previewInBrowser', () => {
  it('groups outcomes by reason, changes first, with each change’s before and after', () => {
    const users = [row(0), row(1), row(2), row(3), row(4)].map(planUserFromRow);
    const preview = previewInBrowser({ kind: 'deactivate' }, users, context);
    expect(preview.counts).toEqual({ change: 4, skip: 1, blocked: 0 });
    expect(preview.groups.map((g) => [g.key, g.count])).toEqual([
      ['change', 4],
      ['skip:already_deactivated', 1],
    ]);
    expect(preview.groups[0]?.users[0]).toMatchObject({
      email: 'user.0@example.test',
      before: { status: 'created' },
      after: { status: 'deactivated' },
    });
    expect(preview.becomeAdministrators).toBe(0);
  });

  it('counts the users who would become administrators', () => {
    const users = [row(1), row(2), row(5, { roleId: ADMIN_ROLE, roleIsAdmin: true })].map(planUserFromRow);
    const preview = previewInBrowser({ kind: 'assign_role', roleId: ADMIN_ROLE }, users, {
      ...context,
      role: { id: ADMIN_ROLE, isAdmin: true },
    });
    expect(preview.becomeAdministrators).toBe(2);
    expect(preview.loseAdministratorRole).toBe(0);
    expect(preview.groups.map((g) => g.key)).toEqual(['change', 'skip:already_has_role']);
  });

  it('counts the administrators who would lose the role, and the role changes from → to', () => {
    const admin = (i: number) => row(i, { roleId: ADMIN_ROLE, roleIsAdmin: true });
    const users = [row(1), admin(2), admin(5), admin(6)].map(planUserFromRow);
    const preview = previewInBrowser({ kind: 'assign_role', roleId: CONTRIBUTOR_ROLE }, users, {
      ...context,
      role: { id: CONTRIBUTOR_ROLE, isAdmin: false },
    });
    expect(preview).toMatchObject({
      becomeAdministrators: 0,
      loseAdministratorRole: 3,
      roleChanges: [
        { fromRoleId: ADMIN_ROLE, toRoleId: CONTRIBUTOR_ROLE, count: 3 },
        { fromRoleId: READER, toRoleId: CONTRIBUTOR_ROLE, count: 1 },
      ],
    });
  });
});
