import { z } from 'zod';
import { emailSchema } from '../auth';
import { type ChangeEffect, OPERATIONS } from '../bulk/operations';
import { type Change, outcomeRecorder, type PlanContext, type PlanUser } from '../bulk/plan';
import type { BlockedReason } from '../bulk/reasons';
import { PROFILE_FIELDS } from '../bulk/revert';
import type { UserStatus } from '../catalog';
import { storable } from '../text';
import { adminRoleRefusal, ScimError } from './scimError';

export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCIM_LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * A SCIM boolean as identity providers send it: Entra ID sends `"True"`/`"False"` as strings in
 * PATCH values (its documented request sequence), Okta sends JSON booleans.
 */
const scimBoolean = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i, 'A boolean is true or false.')
    .transform((value) => value.toLowerCase() === 'true'),
]);

const nameText = storable(z.string().trim().max(200, 'A name has at most 200 characters.'));

/**
 * A User resource as a client sends it (POST, PUT, or the result of a PATCH): the attributes Roster
 * keeps, the others (phone numbers, the enterprise extension, `externalId`) accepted and not kept.
 */
export const scimUserResourceSchema = z.looseObject({
  userName: storable(z.string().trim().min(1, 'userName is required.').max(254)),
  name: z
    .looseObject({
      givenName: nameText.nullish(),
      familyName: nameText.nullish(),
      formatted: z.string().nullish(),
    })
    .nullish(),
  displayName: z.string().nullish(),
  emails: z
    .array(
      z.looseObject({
        value: z.string().nullish(),
        type: z.string().nullish(),
        primary: scimBoolean.nullish(),
      }),
    )
    .nullish(),
  active: scimBoolean.nullish(),
  externalId: storable(z.string().trim().max(500, 'externalId has at most 500 characters.')).nullish(),
  [SCIM_ENTERPRISE_USER_SCHEMA]: z
    .looseObject({
      organization: storable(z.string().trim().max(200)).nullish(),
      department: storable(z.string().trim().max(200)).nullish(),
    })
    .nullish(),
});
export type ScimUserResource = z.input<typeof scimUserResourceSchema>;

/** What Roster keeps of a SCIM user. */
export type ScimProfile = { email: string; firstName: string; lastName: string };
/**
 * A user as the identity provider wants it. `active` absent (`undefined`) leaves the status as it
 * is on an update (a PUT without `active` never reactivates anyone) and means active on a create.
 */
export type ScimDesiredUser = ScimProfile & {
  active: boolean | undefined;
  /**
   * The enterprise extension's `organization` and `department`, as sent: the organisation units of
   * these names (when there are) are added to the user's scope.
   */
  orgUnitNames: string[];
  /** The provider's own id of the user; `undefined` leaves it as it is, '' removes it. */
  externalId: string | undefined;
};

function invalidValue(issues: z.core.$ZodIssue[]): ScimError {
  const issue = issues[0];
  const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return new ScimError(400, 'invalidValue', `${where}${issue?.message ?? 'Invalid value.'}`);
}

/**
 * The user a resource describes: the e-mail is `userName` when it is an e-mail address (Okta and
 * Entra ID send the user principal name, an e-mail), else the primary (or work, or first) e-mail;
 * `active` absent is `undefined` (see ScimDesiredUser).
 */
export function scimDesiredUser(resource: unknown): ScimDesiredUser {
  const parsed = scimUserResourceSchema.safeParse(resource);
  if (!parsed.success) throw invalidValue(parsed.error.issues);
  const { userName, name, emails, active, externalId } = parsed.data;
  const enterprise = parsed.data[SCIM_ENTERPRISE_USER_SCHEMA];
  const byUserName = emailSchema.safeParse(userName);
  let email: string | undefined = byUserName.success ? byUserName.data : undefined;
  if (email === undefined) {
    const listed = emails ?? [];
    const chosen =
      listed.find((e) => e.primary === true) ?? listed.find((e) => e.type === 'work') ?? listed[0];
    const fromEmails = emailSchema.safeParse(chosen?.value ?? '');
    if (!fromEmails.success) {
      throw new ScimError(400, 'invalidValue', 'userName (or the primary e-mail) must be an e-mail address.');
    }
    email = fromEmails.data;
  }
  return {
    email,
    firstName: name?.givenName ?? '',
    lastName: name?.familyName ?? '',
    active: active ?? undefined,
    externalId: externalId === null ? '' : externalId,
    orgUnitNames: [enterprise?.organization, enterprise?.department].flatMap((n) => (n ? [n] : [])),
  };
}

/** A user as Roster holds it, for its SCIM representation. */
export type ScimUserRow = ScimProfile & {
  id: string;
  externalId: string | null;
  status: UserStatus;
  roleId: string;
  roleName: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
};

/** The ETag of a user: weak, from its version (bumped by every change). */
export function scimUserEtag(version: number): string {
  return `W/"${version}"`;
}

/** Whether an `If-Match` header names the user's current version (`*` names any). */
export function ifMatchHolds(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined) return true;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  return tags.some((tag) => tag === '*' || tag === scimUserEtag(version) || tag === `"${version}"`);
}

/** The SCIM representation of a user (RFC 7643 §4.1): `active` is every status but `deactivated`. */
export function toScimUser(user: ScimUserRow, location: string) {
  const formatted = `${user.firstName} ${user.lastName}`.trim();
  return {
    schemas: [SCIM_USER_SCHEMA],
    id: user.id,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    userName: user.email,
    name: { givenName: user.firstName, familyName: user.lastName, formatted },
    displayName: formatted || user.email,
    emails: [{ value: user.email, type: 'work', primary: true }],
    active: user.status !== 'deactivated',
    roles: [{ value: user.roleId, display: user.roleName, primary: true }],
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location,
      version: scimUserEtag(user.version),
    },
  };
}
export type ScimUser = ReturnType<typeof toScimUser>;

/** What a SCIM write does to one existing user. */
export type ScimUpdateOutcome =
  | {
      userId: string;
      outcome: 'change';
      before: Change;
      after: Change;
      /** The status part of the change, as the deactivate or reactivate operation decides it. */
      statusChange: { before: Change; after: Change; effects: readonly ChangeEffect[] } | null;
    }
  | { userId: string; outcome: 'skip'; reason: 'scim_unchanged' }
  | { userId: string; outcome: 'blocked'; reason: BlockedReason };

/** Sentences of the SCIM results' own reasons. */
export const SCIM_REASONS = {
  scim_unchanged: 'Already as the identity provider has it.',
  scim_created: 'Created by the identity provider.',
} as const;

/**
 * Decides SCIM writes on existing users (PUT, PATCH, DELETE), on their locked rows: the profile is
 * set as given; `active: false` is the Deactivate operation's rule and `active: true` the
 * Reactivate operation's, with the guards every change passes (the last active administrator, the
 * token owner's own account), so their effects (sign-ins revoked, invitation cancelled) are the
 * operations' own. A user a guard blocks keeps every field as it was.
 */
export function planScimUpdates(
  writes: readonly { user: PlanUser; profile: ScimProfile; desired: ScimDesiredUser }[],
  context: Pick<PlanContext, 'actorId' | 'activeAdminCount'>,
): ScimUpdateOutcome[] {
  const recorder = outcomeRecorder(context, () => false);
  const deactivate = OPERATIONS.deactivate.rule(
    { kind: 'deactivate' },
    { ...context, now: new Date(0), invitationTtlMs: 0 },
  );
  const reactivate = OPERATIONS.reactivate.rule(
    { kind: 'reactivate' },
    { ...context, now: new Date(0), invitationTtlMs: 0 },
  );
  return writes.map(({ user, profile, desired }) => {
    const before: Change = {};
    const after: Change = {};
    for (const field of PROFILE_FIELDS) {
      if (profile[field] !== desired[field]) {
        before[field] = profile[field];
        after[field] = desired[field];
      }
    }
    const isActive = user.status !== 'deactivated';
    let statusChange: { before: Change; after: Change; effects: readonly ChangeEffect[] } | null = null;
    if (desired.active !== undefined && isActive !== desired.active) {
      const decision = (desired.active ? reactivate : deactivate)(user);
      if (decision.outcome === 'change') {
        const count = recorder.outcomes.length;
        recorder.change(user, decision);
        const recorded = recorder.outcomes[count];
        if (recorded?.outcome === 'blocked') {
          return { userId: user.id, outcome: 'blocked', reason: recorded.reason };
        }
        statusChange = { before: decision.before, after: decision.after, effects: decision.effects };
        Object.assign(before, decision.before);
        Object.assign(after, decision.after);
      }
    }
    if (Object.keys(after).length === 0)
      return { userId: user.id, outcome: 'skip', reason: 'scim_unchanged' };
    return { userId: user.id, outcome: 'change', before, after, statusChange };
  });
}

/**
 * The parameters a SCIM operation records: the request and the token (its name is shown); a token's
 * operation of single writes, which of its minute's operations it is (0 the first; the next one is
 * opened when a write finds the one before closed, `scimMinuteOperationTakesWrites`).
 */
export const scimOperationParamsSchema = z.object({
  kind: z.literal('scim'),
  request: z.string(),
  tokenId: z.string(),
  tokenName: z.string(),
  generation: z.number().int().nonnegative().optional(),
});

/** What a group (role) membership change does to one user. */
export type ScimRoleOutcome =
  | { userId: string; outcome: 'change'; before: Change; after: Change }
  | { userId: string; outcome: 'skip'; reason: 'already_has_role' }
  | { userId: string; outcome: 'blocked'; reason: BlockedReason };

/**
 * Group membership through SCIM (groups are Roster's roles, one per user): a user added to a group
 * gets its role by the Assign role operation's rule and guards (the token owner's own role, the last
 * active administrator). The Administrator role is neither given nor taken through SCIM: that needs
 * an administrator's typed confirmation in Roster (`mutability`).
 */
export function planScimRoleMoves(
  moves: readonly { user: PlanUser; role: { id: string; isAdmin: boolean } }[],
  context: Pick<PlanContext, 'actorId' | 'activeAdminCount'>,
): ScimRoleOutcome[] {
  const adminRoles = new Set(moves.filter((m) => m.role.isAdmin).map((m) => m.role.id));
  const recorder = outcomeRecorder(context, (roleId) => adminRoles.has(roleId));
  return moves.map(({ user, role }) => {
    if (role.isAdmin || user.roleIsAdmin) {
      if (user.roleId === role.id) return { userId: user.id, outcome: 'skip', reason: 'already_has_role' };
      throw adminRoleRefusal();
    }
    const decision = OPERATIONS.assign_role.rule(
      { kind: 'assign_role', roleId: role.id },
      { ...context, now: new Date(0), invitationTtlMs: 0, role },
    )(user);
    if (decision.outcome === 'skip') return { userId: user.id, outcome: 'skip', reason: 'already_has_role' };
    const count = recorder.outcomes.length;
    recorder.change(user, decision);
    const recorded = recorder.outcomes[count];
    if (recorded?.outcome === 'blocked')
      return { userId: user.id, outcome: 'blocked', reason: recorded.reason };
    return { userId: user.id, outcome: 'change', before: decision.before, after: decision.after };
  });
}
