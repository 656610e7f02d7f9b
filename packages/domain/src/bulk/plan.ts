import type { UserStatus } from '../catalog';
import type { UserAccess } from './access';
import { type AdministratorRoleMove, administratorRoleMove } from './administratorRole';
import { type BulkOperation, boundOperation, type ChangeEffect } from './operations';
import type { BlockedReason, SkipReason } from './reasons';

/** A user's current state: what any rule needs to decide (loaded and locked by the server). */
export type PlanUser = {
  id: string;
  email: string;
  status: UserStatus;
  roleId: string;
  /** The user's role is the Administrator role. */
  roleIsAdmin: boolean;
  /** Set once the user first became active; reactivation returns such users to `active`. */
  activatedAt: Date | null;
  access: UserAccess;
  /** The pending invitation, if any. */
  invitation: { lastSentAt: Date; expiresAt: Date } | null;
  /** Bumped by every change of the user (optimistic concurrency; a revert compares it). */
  version: number;
};

/** The fields a change touches, with their values before and after (only what changes). */
export type Change = {
  status?: UserStatus;
  roleId?: string;
  modules?: UserAccess['modules'];
  scope?: UserAccess['scope'];
  rights?: UserAccess['rights'];
  invitationExpiresAt?: Date | null;
  /** The profile, as identity providers change it (SCIM) and a revert of theirs gives back. */
  email?: string;
  firstName?: string;
  lastName?: string;
};

export type UserOutcome =
  | {
      userId: string;
      outcome: 'change';
      before: Change;
      after: Change;
      /** What the engine writes besides the fields (`after`): invitations, sign-ins revoked. */
      effects: readonly ChangeEffect[];
      /** Set when the change gives or takes the Administrator role: what Apply must confirm. */
      administratorRole?: AdministratorRoleMove;
    }
  | { userId: string; outcome: 'skip'; reason: SkipReason }
  | { userId: string; outcome: 'blocked'; reason: BlockedReason };

export type PlanContext = {
  actorId: string;
  now: Date;
  /** Active administrators in the tenant before these users are changed. */
  activeAdminCount: number;
  /** How long a new or resent invitation stays valid. */
  invitationTtlMs: number;
  /** For `assign_role`: the role to assign. */
  role?: { id: string; isAdmin: boolean };
  /** For `copy_access`: the user whose access is copied. */
  source?: PlanUser;
};

export type Plan = {
  outcomes: UserOutcome[];
  /** Active administrators once every `change` is applied: the next batch's starting count. */
  activeAdminCount: number;
};

const isActiveAdmin = (status: UserStatus, roleIsAdmin: boolean) => status === 'active' && roleIsAdmin;

/** An active user of an administrator role: changing such a user may remove an administrator. */
export function isActiveAdministrator(user: Pick<PlanUser, 'status' | 'roleIsAdmin'>): boolean {
  return isActiveAdmin(user.status, user.roleIsAdmin);
}

/**
 * Collects outcomes in order, with the two guards every change passes: the acting admin's own
 * account (`self`, where the rule asks for it) and the last active administrator (`last_admin`).
 * `roleIsAdmin` tells whether a role a change assigns is an administrator role; a change that gives
 * or takes the Administrator role says so (`administratorRole`), the one place this is decided.
 */
export function outcomeRecorder(
  context: Pick<PlanContext, 'actorId' | 'activeAdminCount'>,
  roleIsAdmin: (roleId: string) => boolean,
) {
  let admins = context.activeAdminCount;
  const outcomes: UserOutcome[] = [];
  return {
    outcomes,
    admins: () => admins,
    skip: (user: PlanUser, reason: SkipReason) =>
      void outcomes.push({ userId: user.id, outcome: 'skip', reason }),
    block: (user: PlanUser, reason: BlockedReason) =>
      void outcomes.push({ userId: user.id, outcome: 'blocked', reason }),
    change(
      user: PlanUser,
      change: { before: Change; after: Change; effects: readonly ChangeEffect[]; notOnSelf?: boolean },
    ): void {
      const { before, after, effects } = change;
      if (change.notOnSelf && user.id === context.actorId) {
        outcomes.push({ userId: user.id, outcome: 'blocked', reason: 'self' });
        return;
      }
      const wasAdmin = isActiveAdmin(user.status, user.roleIsAdmin);
      const isAdmin = isActiveAdmin(
        after.status ?? user.status,
        after.roleId !== undefined ? roleIsAdmin(after.roleId) : user.roleIsAdmin,
      );
      const delta = (isAdmin ? 1 : 0) - (wasAdmin ? 1 : 0);
      if (delta < 0 && admins + delta < 1) {
        outcomes.push({ userId: user.id, outcome: 'blocked', reason: 'last_admin' });
        return;
      }
      admins += delta;
      const move =
        after.roleId !== undefined
          ? administratorRoleMove(user.roleIsAdmin, roleIsAdmin(after.roleId))
          : null;
      outcomes.push(
        move
          ? { userId: user.id, outcome: 'change', before, after, effects, administratorRole: move }
          : { userId: user.id, outcome: 'change', before, after, effects },
      );
    },
  };
}

/**
 * Decides, for every selected user, what one bulk operation does: `change` (with before/after),
 * `skip` or `blocked` (SPEC §2). Pure: the web preview and the server's apply run this same rule,
 * the server on rows it has locked. Users are decided in order, so the guard that keeps one active
 * administrator blocks exactly the change that would remove the last one.
 */
export function planBulkOperation(
  operation: BulkOperation,
  users: readonly PlanUser[],
  context: PlanContext,
): Plan {
  const { outcomes, admins, skip, change } = outcomeRecorder(
    context,
    (roleId) => roleId === context.role?.id && context.role.isAdmin,
  );
  const decide = boundOperation(operation).rule(context);
  for (const user of users) {
    const decision = decide(user);
    if (decision.outcome === 'skip') skip(user, decision.reason);
    else change(user, decision);
  }
  return { outcomes, activeAdminCount: admins() };
}

/** Counts per outcome and per reason, as previews and results show them. */
export function summarizeOutcomes(outcomes: readonly UserOutcome[]): {
  total: number;
  counts: { change: number; skip: number; blocked: number };
  reasons: Record<string, number>;
} {
  const counts = { change: 0, skip: 0, blocked: 0 };
  const reasons: Record<string, number> = {};
  for (const o of outcomes) {
    counts[o.outcome] += 1;
    if (o.outcome !== 'change') reasons[o.reason] = (reasons[o.reason] ?? 0) + 1;
  }
  return { total: outcomes.length, counts, reasons };
}
