import { describe, expect, it } from 'vitest';
import {
  type BulkOperationStatus,
  ifMatchHolds,
  isFollowUpSourceUnfinished,
  mergeScimResult,
  type PlanUser,
  planScimGroupReplace,
  planScimUpdates,
  ScimError,
  type ScimUserResult,
  scimDesiredUser,
  scimMinuteOperationTakesWrites,
  scimTokenRefusal,
} from '../src';
import { ACTOR, ADMIN_ROLE, user } from './planUserFactory';

const profileOf = (u: PlanUser) => ({ email: u.email, firstName: 'A', lastName: 'B' });
const desired = (
  u: PlanUser,
  active: boolean,
  extra: Partial<{ firstName: string; email: string }> = {},
) => ({
  ...profileOf(u),
  active,
  orgUnitNames: [],
  externalId: undefined,
  ...extra,
});

describe('planScimUpdates: the Deactivate and Reactivate rules with their guards', () => {
  it.each<[string, () => PlanUser, boolean, number, { outcome: string; reason?: string }]>([
    ['active:false deactivates an active user', () => user(), false, 2, { outcome: 'change' }],
    [
      'active:true reactivates a deactivated user',
      () => user({ status: 'deactivated' }),
      true,
      2,
      { outcome: 'change' },
    ],
    ['nothing differs: skip', () => user(), true, 2, { outcome: 'skip', reason: 'scim_unchanged' }],
    [
      'the last active administrator is blocked',
      () => user({ roleId: ADMIN_ROLE, roleIsAdmin: true }),
      false,
      1,
      { outcome: 'blocked', reason: 'last_admin' },
    ],
    [
      'the token owner is blocked',
      () => user({ id: ACTOR }),
      false,
      2,
      { outcome: 'blocked', reason: 'self' },
    ],
  ])('%s', (_name, make, active, admins, expected) => {
    const u = make();
    const [outcome] = planScimUpdates([{ user: u, profile: profileOf(u), desired: desired(u, active) }], {
      actorId: ACTOR,
      activeAdminCount: admins,
    });
    expect(outcome).toMatchObject(expected);
  });

  it('deactivation carries the operation’s effects (sign-ins revoked)', () => {
    const u = user({ status: 'invited' });
    const [outcome] = planScimUpdates([{ user: u, profile: profileOf(u), desired: desired(u, false) }], {
      actorId: ACTOR,
      activeAdminCount: 1,
    });
    expect(outcome).toMatchObject({
      outcome: 'change',
      before: { status: 'invited' },
      after: { status: 'deactivated' },
      statusChange: { effects: ['cancel_pending_invitation', 'revoke_sign_ins'] },
    });
  });

  it('a reactivated user who never accepted returns to created', () => {
    const u = user({ status: 'deactivated', activatedAt: null });
    const [outcome] = planScimUpdates([{ user: u, profile: profileOf(u), desired: desired(u, true) }], {
      actorId: ACTOR,
      activeAdminCount: 1,
    });
    expect(outcome).toMatchObject({ after: { status: 'created' } });
  });

  it('a profile change alone changes only the profile', () => {
    const u = user();
    const [outcome] = planScimUpdates(
      [{ user: u, profile: profileOf(u), desired: desired(u, true, { firstName: 'Ada' }) }],
      { actorId: ACTOR, activeAdminCount: 1 },
    );
    expect(outcome).toEqual({
      userId: u.id,
      outcome: 'change',
      before: { firstName: 'A' },
      after: { firstName: 'Ada' },
      statusChange: null,
    });
  });
});

describe('scimDesiredUser', () => {
  it('takes userName as the e-mail, lower-cased; "False" is false (Entra ID)', () => {
    expect(
      scimDesiredUser({ userName: ' Ada@Example.COM ', active: 'False', name: { givenName: 'Ada' } }),
    ).toEqual({
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: '',
      active: false,
      orgUnitNames: [],
      externalId: undefined,
    });
  });
  it('leaves active undefined when absent (a PUT without it keeps the status)', () => {
    expect(scimDesiredUser({ userName: 'a@b.co' }).active).toBeUndefined();
    const u = user({ status: 'deactivated' });
    const [outcome] = planScimUpdates(
      [
        {
          user: u,
          profile: profileOf(u),
          desired: { ...profileOf(u), active: undefined, orgUnitNames: [], externalId: undefined },
        },
      ],
      { actorId: ACTOR, activeAdminCount: 1 },
    );
    expect(outcome).toMatchObject({ outcome: 'skip' });
  });
  it('takes the enterprise extension’s organization and department as organisation unit names', () => {
    expect(
      scimDesiredUser({
        userName: 'a@b.co',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
          organization: 'Acme',
          department: 'Research',
        },
      }).orgUnitNames,
    ).toEqual(['Acme', 'Research']);
  });
  it('falls back to the primary e-mail when userName is not one', () => {
    expect(
      scimDesiredUser({
        userName: 'ada',
        emails: [{ value: 'x@example.com' }, { value: 'ada@example.com', primary: true }],
      }).email,
    ).toBe('ada@example.com');
  });
  it.each([
    {},
    { userName: 'ada' },
    { userName: 'a@b.c', active: 'maybe' },
    { userName: 'a@b.c', name: { givenName: 'x'.repeat(201) } },
  ])('refuses %j with invalidValue', (resource) => {
    expect(() => scimDesiredUser(resource)).toThrow(ScimError);
    try {
      scimDesiredUser(resource);
    } catch (error) {
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    }
  });
});

describe('ifMatchHolds', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['*', true],
    ['W/"3"', true],
    ['"3"', true],
    ['W/"2"', false],
    ['W/"2", W/"3"', true],
  ])('%s', (header, holds) => expect(ifMatchHolds(header, 3)).toBe(holds));
});

describe('mergeScimResult: one result per user and operation', () => {
  const result = (overrides: Partial<ScimUserResult> = {}): ScimUserResult => ({
    outcome: 'change',
    reason: null,
    before: { firstName: 'Ada' },
    after: { firstName: 'Augusta' },
    version: 2,
    email: 'ada@example.com',
    ...overrides,
  });

  it.each<[string, ScimUserResult | undefined, ScimUserResult | { outcome: 'blocked' | 'failed' }, string]>([
    ['a first result', undefined, result(), 'append'],
    ['a refused write after a change', result(), { outcome: 'blocked' }, 'append'],
    ['a failed write after a change', result(), { outcome: 'failed' }, 'append'],
    ['a skip after a change', result(), result({ outcome: 'skip', before: {}, after: {} }), 'keep'],
  ])('%s: %s', (_name, earlier, later, expected) => {
    const merge = mergeScimResult(earlier, { ...result(), ...later });
    expect(merge.kind).toBe(expected);
  });

  it('a change after a skip replaces it', () => {
    const merge = mergeScimResult(result({ outcome: 'skip', before: {}, after: {} }), result());
    expect(merge).toEqual({ kind: 'replace', result: result() });
  });

  it('two changes: the fields before the first, after the last, the last version', () => {
    const merge = mergeScimResult(
      result({
        before: { firstName: 'Ada', status: 'active' },
        after: { firstName: 'Augusta', status: 'deactivated' },
      }),
      result({
        before: { firstName: 'Augusta', roleId: 'r1' },
        after: { firstName: 'Ava', roleId: 'r2' },
        version: 4,
      }),
    );
    expect(merge).toEqual({
      kind: 'replace',
      result: result({
        before: { firstName: 'Ada', status: 'active', roleId: 'r1' },
        after: { firstName: 'Ava', status: 'deactivated', roleId: 'r2' },
        version: 4,
      }),
    });
  });

  it('a change of a user the operation created keeps it a creation (nothing before)', () => {
    const created = result({
      reason: 'scim_created',
      before: {},
      after: { email: 'ada@example.com', firstName: 'Ada' },
      version: 1,
    });
    const merge = mergeScimResult(created, result({ version: 2 }));
    expect(merge).toEqual({
      kind: 'replace',
      result: result({
        reason: 'scim_created',
        before: {},
        after: { email: 'ada@example.com', firstName: 'Augusta' },
        version: 2,
      }),
    });
  });
});

describe('planScimGroupReplace: a group’s members replaced as a whole', () => {
  const contributor = { id: 'contributor', name: 'Contributor', isAdmin: false };
  const reader = { id: 'reader', name: 'Reader', isAdmin: false };

  it('the listed get the role; the members leaving (not listed) go back to the default role, if still members', () => {
    expect(planScimGroupReplace(contributor, reader, ['b', 'c', 'c'], ['a'])).toEqual([
      { userId: 'b', roleId: 'contributor' },
      { userId: 'c', roleId: 'contributor' },
      { userId: 'a', roleId: 'reader', onlyFrom: 'contributor' },
    ]);
  });

  it('the default role: only when no member would leave it (they have nowhere to go)', () => {
    expect(planScimGroupReplace(reader, reader, ['a', 'b'], [])).toEqual([
      { userId: 'a', roleId: 'reader' },
      { userId: 'b', roleId: 'reader' },
    ]);
    expect(() => planScimGroupReplace(reader, reader, ['b'], ['a'])).toThrow(
      expect.objectContaining({ status: 400, scimType: 'mutability' }),
    );
  });

  it('the Administrator role is never replaced through SCIM', () => {
    expect(() =>
      planScimGroupReplace({ id: 'admin', name: 'Administrator', isAdmin: true }, reader, [], []),
    ).toThrow(expect.objectContaining({ scimType: 'mutability' }));
  });
});

describe('scimTokenRefusal: who a SCIM request is', () => {
  const NOW = new Date('2026-03-02T09:00:00.000Z');
  const token = {
    scope: 'scim' as const,
    revokedAt: null,
    expiresAt: null,
    ownerIsAdministrator: true,
  };
  it.each<[string, boolean, Parameters<typeof scimTokenRefusal>[1], string | null]>([
    ['a SCIM token of an administrator', true, token, null],
    ['one that expires later', true, { ...token, expiresAt: new Date(NOW.getTime() + 1) }, null],
    ['no token', false, undefined, 'no_token'],
    ['a token nobody has', true, undefined, 'unknown_token'],
    ['a revoked one', true, { ...token, revokedAt: NOW }, 'revoked'],
    ['an expired one', true, { ...token, expiresAt: NOW }, 'expired'],
    ['an API token', true, { ...token, scope: 'api' }, 'wrong_scope'],
    [
      'one whose owner is no longer an administrator',
      true,
      { ...token, ownerIsAdministrator: false },
      'not_administrator',
    ],
  ])('%s', (_name, sent, presented, expected) => {
    expect(scimTokenRefusal(sent, presented, NOW)).toBe(expected);
  });
});

describe('isFollowUpSourceUnfinished: a SCIM minute operation is open until its minute has passed', () => {
  const opened = new Date('2026-03-02T09:00:10.000Z');
  it.each<[string, { status: 'running' | 'succeeded'; scimMinute: Date | null }, string, boolean]>([
    ['a running operation', { status: 'running', scimMinute: null }, '2026-03-02T10:00:00.000Z', true],
    ['a finished operation', { status: 'succeeded', scimMinute: null }, '2026-03-02T09:00:11.000Z', false],
    [
      'a minute operation within its minute',
      { status: 'succeeded', scimMinute: opened },
      '2026-03-02T09:00:59.999Z',
      true,
    ],
    [
      'a minute operation once its minute has passed',
      { status: 'succeeded', scimMinute: opened },
      '2026-03-02T09:01:00.000Z',
      false,
    ],
    [
      'a minute operation still running after its minute',
      { status: 'running', scimMinute: opened },
      '2026-03-02T09:05:00.000Z',
      true,
    ],
  ])('%s', (_name, source, now, expected) => {
    expect(isFollowUpSourceUnfinished(source, new Date(now))).toBe(expected);
  });
});

describe('scimMinuteOperationTakesWrites: a later write of the minute joins its operation until it is closed', () => {
  it.each<[string, { status: BulkOperationStatus; followedUp: boolean }, boolean]>([
    ['just opened by the write', { status: 'running', followedUp: false }, true],
    ['finished by earlier writes', { status: 'succeeded', followedUp: false }, true],
    ['finished with skips', { status: 'completed_with_skips', followedUp: false }, true],
    ['reverted (or its revert queued or running)', { status: 'succeeded', followedUp: true }, false],
    ['reverted, with skips', { status: 'completed_with_skips', followedUp: true }, false],
    ['cancelled', { status: 'cancelled', followedUp: false }, false],
    ['failed', { status: 'failed', followedUp: false }, false],
    ['queued (never left by a write)', { status: 'queued', followedUp: false }, false],
  ])('%s', (_name, operation, expected) => {
    expect(scimMinuteOperationTakesWrites(operation)).toBe(expected);
  });
});
