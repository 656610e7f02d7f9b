import { z } from 'zod';
import { type BulkOperationKind, GRANTED_ACCESS_LEVELS, MODULES, RIGHTS, USER_STATUSES } from '../catalog';
import { accessDiff, normalizeAccess, type UserAccess } from './access';
import { type ChangeEffect, KIND_TRAITS, statusChangeEffects } from './operations';
import { type Change, outcomeRecorder, type Plan, type PlanContext, type PlanUser } from './plan';

/**
 * What an operation recorded for one user it changed: the fields it changed, before and after, and
 * the user's version once changed (null for results recorded before versions were).
 */
export type RecordedChange = { before: Change; after: Change; version?: number | null };

export type RevertContext = Pick<PlanContext, 'actorId' | 'now' | 'activeAdminCount' | 'invitationTtlMs'> & {
  /** The tenant's administrator roles: a revert may give any role back. */
  adminRoleIds: ReadonlySet<string>;
  /**
   * Of the e-mail addresses the reverted changes would give back, those another user holds now
   * (read by the server on the batch's start): such a user keeps their address (`email_taken`).
   */
  takenEmails?: ReadonlySet<string>;
};

/** The profile fields an identity provider changes (SCIM) and a revert gives back as they were. */
export const PROFILE_FIELDS = ['email', 'firstName', 'lastName'] as const;

/** Whether a change names a profile field (e-mail or name). */
export function changesProfile(change: Change): boolean {
  return PROFILE_FIELDS.some((field) => change[field] !== undefined);
}

/**
 * A change that recorded nothing before it is a creation (a user an identity provider created):
 * there is nothing to give back, and a revert does not delete users, as an import is not reverted.
 */
export function isCreation(recorded: RecordedChange): boolean {
  return Object.keys(recorded.before).length === 0;
}

/** Whether an operation of this kind can be reverted (each kind declares it). */
export function canRevert(kind: BulkOperationKind): boolean {
  return KIND_TRAITS[kind].revertible;
}

/** Whether the failed users of such an operation can be retried (each kind declares it). */
export function canRetry(kind: BulkOperationKind): boolean {
  return KIND_TRAITS[kind].retryable;
}

/** The selection of a revert or a retry: the operation it follows. */
export const followUpSelectionSchema = z.object({
  kind: z.enum(['revert', 'retry']),
  operationId: z.uuid(),
});

/** Whether the recorded change touches the user's access (the server then loads it). */
export function changesAccess(change: Change): boolean {
  return change.modules !== undefined || change.scope !== undefined || change.rights !== undefined;
}

/** The user's access, with only the parts a change names taken from it. */
function accessOf(user: PlanUser, change: Change): UserAccess {
  const current = normalizeAccess(user.access);
  return normalizeAccess({
    modules: change.modules !== undefined ? current.modules : {},
    scope: change.scope !== undefined ? current.scope : [],
    rights: change.rights !== undefined ? current.rights : [],
  });
}

/**
 * Whether the user is still as the operation left them: else a newer change would be lost. The
 * version catches a user changed and changed back; the fields, a change that did not bump it.
 */
function stillAsLeft(user: PlanUser, recorded: RecordedChange): boolean {
  if (recorded.version !== undefined && recorded.version !== null && user.version !== recorded.version)
    return false;
  const after = recorded.after;
  if (after.status !== undefined && user.status !== after.status) return false;
  if (after.roleId !== undefined && user.roleId !== after.roleId) return false;
  if (after.email !== undefined && user.email !== after.email) return false;
  if (!changesAccess(after)) return true;
  const left = normalizeAccess({
    modules: after.modules ?? {},
    scope: after.scope ?? [],
    rights: after.rights ?? [],
  });
  return accessDiff(accessOf(user, after), left) === null;
}

/**
 * Revert (SPEC §2): for each user an operation changed, give back the fields it changed as they were
 * before, unless the user was changed again since (`changed_since`, blocked). Restoring a status has
 * the effects of the operation that leads there (to `invited`: a new invitation with a fresh link;
 * away from `invited`: the pending invitation is cancelled). The acting admin's own role and status
 * are guarded as in the operations themselves (`self`), and so is the last administrator.
 */
export function planRevert(
  targets: readonly { user: PlanUser; recorded: RecordedChange }[],
  context: RevertContext,
): Plan {
  const { outcomes, admins, block, skip, change } = outcomeRecorder(context, (roleId) =>
    context.adminRoleIds.has(roleId),
  );
  for (const { user, recorded } of targets) {
    if (isCreation(recorded)) {
      skip(user, 'created_by_operation');
      continue;
    }
    if (!stillAsLeft(user, recorded)) {
      block(user, 'changed_since');
      continue;
    }
    const email = recorded.before.email;
    if (email !== undefined && context.takenEmails?.has(email)) {
      block(user, 'email_taken');
      continue;
    }
    const before: Change = {};
    const after: Change = {};
    const effects: ChangeEffect[] = [];
    if (recorded.before.status !== undefined) {
      before.status = user.status;
      after.status = recorded.before.status;
      effects.push(...statusChangeEffects(user.status, after.status));
      if (after.status === 'invited') {
        before.invitationExpiresAt = null;
        after.invitationExpiresAt = new Date(context.now.getTime() + context.invitationTtlMs);
      } else if (user.status === 'invited') {
        before.invitationExpiresAt = user.invitation?.expiresAt ?? null;
        after.invitationExpiresAt = null;
      }
    }
    if (recorded.before.roleId !== undefined) {
      before.roleId = user.roleId;
      after.roleId = recorded.before.roleId;
    }
    const access = accessOf(user, recorded.before);
    if (recorded.before.modules !== undefined) {
      before.modules = access.modules;
      after.modules = recorded.before.modules;
    }
    if (recorded.before.scope !== undefined) {
      before.scope = access.scope;
      after.scope = recorded.before.scope;
    }
    if (recorded.before.rights !== undefined) {
      before.rights = access.rights;
      after.rights = recorded.before.rights;
    }
    // The user is as the change left them (its version says so): the names it set are theirs now.
    for (const field of PROFILE_FIELDS) {
      const was = recorded.before[field];
      const left = recorded.after[field];
      if (was === undefined || left === undefined) continue;
      before[field] = left;
      after[field] = was;
    }
    change(user, {
      before,
      after,
      effects,
      notOnSelf: after.status !== undefined || after.roleId !== undefined,
    });
  }
  return { outcomes, activeAdminCount: admins() };
}

/** The stored parameters of a revert: the operation whose changes it gives back. */
export const revertParamsSchema = z.object({ kind: z.literal('revert'), operationId: z.uuid() }).strict();
export type RevertParams = z.infer<typeof revertParamsSchema>;

/** A change as results and audit events store it (JSON: dates as ISO strings). */
export const recordedChangeSchema = z.object({
  status: z.enum(USER_STATUSES).optional(),
  roleId: z.string().optional(),
  modules: z.partialRecord(z.enum(MODULES), z.enum(GRANTED_ACCESS_LEVELS)).optional(),
  scope: z.array(z.string()).optional(),
  rights: z.array(z.enum(RIGHTS)).optional(),
  invitationExpiresAt: z.coerce.date().nullable().optional(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
});
