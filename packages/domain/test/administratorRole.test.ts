import { describe, expect, it } from 'vitest';
import {
  BULK_OPERATION_KINDS,
  type BulkOperation,
  canMoveAdministratorRole,
  type PlanContext,
  type PlanUser,
  planBulkOperation,
  planRevert,
  privilegedConfirmationCount,
  privilegedConfirmationLabel,
  privilegedConfirmationSentence,
  type RecordedChange,
  type RoleChangeSummary,
  summarizeRoleChanges,
} from '../src';
import { ACTOR, ADMIN_ROLE, BUYER_ROLE, DAY, NOW, READER_ROLE, user } from './planUserFactory';

/** A second administrator role (an admin may create more than the built-in one). */
const DEPUTY_ROLE = '00000000-0000-7000-8000-00000000000d';
const ADMIN_ROLES = new Set([ADMIN_ROLE, DEPUTY_ROLE]);

const admin = (overrides: Partial<PlanUser> = {}) =>
  user({ roleId: ADMIN_ROLE, roleIsAdmin: true, ...overrides });

const context = (role: string, overrides: Partial<PlanContext> = {}): PlanContext => ({
  actorId: ACTOR,
  now: NOW,
  activeAdminCount: 10,
  invitationTtlMs: 7 * DAY,
  role: { id: role, isAdmin: ADMIN_ROLES.has(role) },
  ...overrides,
});

const assign = (roleId: string): BulkOperation => ({ kind: 'assign_role', roleId });

/** The outcome of one user, with the move across the Administrator role the rule recorded. */
function moveOf(target: PlanUser, roleId: string, overrides: Partial<PlanContext> = {}) {
  const [o] = planBulkOperation(assign(roleId), [target], context(roleId, overrides)).outcomes;
  if (!o) throw new Error('no outcome');
  return o.outcome === 'change' ? (o.administratorRole ?? 'none') : `${o.outcome}:${o.reason}`;
}

describe('which changes give or take the Administrator role (decided once, by the rule)', () => {
  it.each<[string, () => PlanUser, string, Partial<PlanContext>, string]>([
    ['a Reader made Administrator', () => user(), ADMIN_ROLE, {}, 'gains'],
    ['an invited Reader made Administrator', () => user({ status: 'invited' }), ADMIN_ROLE, {}, 'gains'],
    ['an administrator given Reader', () => admin(), READER_ROLE, {}, 'loses'],
    [
      'a deactivated administrator given Reader (the role is taken all the same)',
      () => admin({ status: 'deactivated' }),
      READER_ROLE,
      {},
      'loses',
    ],
    ['an administrator given another administrator role', () => admin(), DEPUTY_ROLE, {}, 'none'],
    ['a Reader given Buyer', () => user(), BUYER_ROLE, {}, 'none'],
    ['an administrator given the role they have', () => admin(), ADMIN_ROLE, {}, 'skip:already_has_role'],
    [
      'the acting administrator demoting themselves',
      () => admin({ id: ACTOR }),
      READER_ROLE,
      {},
      'blocked:self',
    ],
    [
      'the last active administrator given Reader',
      () => admin(),
      READER_ROLE,
      { activeAdminCount: 1 },
      'blocked:last_admin',
    ],
  ])('%s', (_name, target, roleId, overrides, expected) => {
    expect(moveOf(target(), roleId, overrides)).toBe(expected);
  });

  it.each<[string, () => PlanUser, RecordedChange, string]>([
    [
      'a demotion reverted gives the role back',
      () => user({ roleId: READER_ROLE }),
      { before: { roleId: ADMIN_ROLE }, after: { roleId: READER_ROLE } },
      'gains',
    ],
    [
      'a promotion reverted takes it away',
      () => admin(),
      { before: { roleId: READER_ROLE }, after: { roleId: ADMIN_ROLE } },
      'loses',
    ],
    [
      'a demotion changed again since is left as it is (nothing to confirm)',
      () => user({ roleId: BUYER_ROLE }),
      { before: { roleId: ADMIN_ROLE }, after: { roleId: READER_ROLE } },
      'blocked:changed_since',
    ],
    [
      'a deactivation reverted moves no role',
      () => admin({ status: 'deactivated' }),
      { before: { status: 'active' }, after: { status: 'deactivated' } },
      'none',
    ],
  ])('revert: %s', (_name, target, recorded, expected) => {
    const [o] = planRevert([{ user: target(), recorded }], {
      actorId: ACTOR,
      now: NOW,
      activeAdminCount: 10,
      invitationTtlMs: 7 * DAY,
      adminRoleIds: ADMIN_ROLES,
    }).outcomes;
    if (!o) throw new Error('no outcome');
    expect(o.outcome === 'change' ? (o.administratorRole ?? 'none') : `${o.outcome}:${o.reason}`).toBe(
      expected,
    );
  });
});

describe('which kinds of operation can give or take the role at all', () => {
  it('only those that change roles: assign role, a revert, an import', () => {
    expect(BULK_OPERATION_KINDS.filter(canMoveAdministratorRole)).toEqual([
      'assign_role',
      'import',
      'revert',
    ]);
  });

  it.each<[BulkOperation]>([[{ kind: 'deactivate' }], [{ kind: 'reactivate' }], [{ kind: 'invite' }]])(
    '%j moves no administrator’s role, even an administrator’s status',
    (operation) => {
      const users = [
        admin(),
        admin({ status: 'deactivated' }),
        admin({ status: 'created', activatedAt: null }),
      ];
      const { outcomes } = planBulkOperation(operation, users, context(READER_ROLE));
      expect(outcomes.some((o) => o.outcome === 'change')).toBe(true);
      expect(summarizeRoleChanges(outcomes)).toEqual({
        becomeAdministrators: 0,
        loseAdministratorRole: 0,
        roleChanges: [],
      });
    },
  );
});

describe('what a preview counts and what Apply must confirm', () => {
  it('counts the administrators lost and gained, and each change of role by from → to', () => {
    const users = [admin(), admin(), admin({ status: 'deactivated' }), user(), user({ roleId: BUYER_ROLE })];
    const { outcomes } = planBulkOperation(assign(READER_ROLE), users, context(READER_ROLE));
    const summary = summarizeRoleChanges(outcomes);
    expect(summary).toEqual({
      becomeAdministrators: 0,
      loseAdministratorRole: 3,
      roleChanges: [
        { fromRoleId: ADMIN_ROLE, toRoleId: READER_ROLE, count: 3 },
        { fromRoleId: BUYER_ROLE, toRoleId: READER_ROLE, count: 1 },
      ],
    });
    expect(privilegedConfirmationCount(summary)).toBe(3);
  });

  it('adds batch after batch', () => {
    const first = summarizeRoleChanges(
      planBulkOperation(assign(ADMIN_ROLE), [user(), user()], context(ADMIN_ROLE)).outcomes,
    );
    const both = summarizeRoleChanges(
      planBulkOperation(assign(ADMIN_ROLE), [user({ roleId: BUYER_ROLE })], context(ADMIN_ROLE)).outcomes,
      first,
    );
    expect(both).toEqual({
      becomeAdministrators: 3,
      loseAdministratorRole: 0,
      roleChanges: [
        { fromRoleId: READER_ROLE, toRoleId: ADMIN_ROLE, count: 2 },
        { fromRoleId: BUYER_ROLE, toRoleId: ADMIN_ROLE, count: 1 },
      ],
    });
    expect(first.roleChanges[0]?.count).toBe(2);
  });

  it.each<
    [Pick<RoleChangeSummary, 'becomeAdministrators' | 'loseAdministratorRole'>, number, string, string]
  >([
    [
      { becomeAdministrators: 0, loseAdministratorRole: 0 },
      0,
      '0 users will become administrators',
      'Number of users who will become administrators',
    ],
    [
      { becomeAdministrators: 2, loseAdministratorRole: 0 },
      2,
      '2 users will become administrators',
      'Number of users who will become administrators',
    ],
    [
      { becomeAdministrators: 0, loseAdministratorRole: 1 },
      1,
      '1 administrator will lose the Administrator role',
      'Number of administrators who will lose the role',
    ],
    [
      { becomeAdministrators: 0, loseAdministratorRole: 170 },
      170,
      '170 administrators will lose the Administrator role',
      'Number of administrators who will lose the role',
    ],
    [
      { becomeAdministrators: 1, loseAdministratorRole: 2 },
      3,
      '1 user will become an administrator and 2 administrators will lose the Administrator role',
      'Number of users who will gain or lose the Administrator role',
    ],
  ])('%j: type %d', (summary, count, sentence, label) => {
    expect(privilegedConfirmationCount(summary)).toBe(count);
    expect(privilegedConfirmationSentence(summary)).toBe(sentence);
    expect(privilegedConfirmationLabel(summary)).toBe(label);
  });
});
