import type { BulkOperationKind } from '../catalog';
import { plural } from '../plural';
import { KIND_TRAITS } from './operations';
import type { UserOutcome } from './plan';

/**
 * How one change moves a user across the Administrator role: `gains` (from a role that is not an
 * administrator role to one that is) or `loses` (the other way). Roles count, not status: assigning
 * Contributor to a deactivated administrator takes the role away all the same.
 */
export type AdministratorRoleMove = 'gains' | 'loses';

/**
 * Whether operations of this kind can give or take the Administrator role (each kind declares it:
 * those that set roles). The others have nothing to confirm, and their Apply does not look for
 * administrators among their users.
 */
export function canMoveAdministratorRole(kind: BulkOperationKind): boolean {
  return KIND_TRAITS[kind].movesAdministratorRole;
}

/** Whether a change of role, from `wasAdmin` to `isAdmin`, gives or takes the Administrator role. */
export function administratorRoleMove(wasAdmin: boolean, isAdmin: boolean): AdministratorRoleMove | null {
  if (wasAdmin === isAdmin) return null;
  return isAdmin ? 'gains' : 'loses';
}

/** One pair of roles a preview changes users between, and how many. */
export type RoleChangeCount = { fromRoleId: string; toRoleId: string; count: number };

/** What a set of outcomes does to roles: the administrators gained and lost, and every from → to. */
export type RoleChangeSummary = {
  /** Users who get the Administrator role. */
  becomeAdministrators: number;
  /** Users who hold the Administrator role and lose it. */
  loseAdministratorRole: number;
  /** The role changes by pair of roles, the largest first. */
  roleChanges: RoleChangeCount[];
};

export const NO_ROLE_CHANGES: RoleChangeSummary = {
  becomeAdministrators: 0,
  loseAdministratorRole: 0,
  roleChanges: [],
};

/**
 * Adds outcomes (e.g. one batch's) to what earlier ones did to roles. The moves across the
 * Administrator role are the ones the rule itself recorded on each change (`administratorRole`).
 */
export function summarizeRoleChanges(
  outcomes: Iterable<UserOutcome>,
  previous: RoleChangeSummary = NO_ROLE_CHANGES,
): RoleChangeSummary {
  let { becomeAdministrators, loseAdministratorRole } = previous;
  const pairs = new Map(previous.roleChanges.map((p) => [`${p.fromRoleId}>${p.toRoleId}`, { ...p }]));
  for (const o of outcomes) {
    if (o.outcome !== 'change') continue;
    if (o.administratorRole === 'gains') becomeAdministrators += 1;
    if (o.administratorRole === 'loses') loseAdministratorRole += 1;
    const fromRoleId = o.before.roleId;
    const toRoleId = o.after.roleId;
    if (fromRoleId === undefined || toRoleId === undefined) continue;
    const key = `${fromRoleId}>${toRoleId}`;
    const pair = pairs.get(key);
    if (pair) pair.count += 1;
    else pairs.set(key, { fromRoleId, toRoleId, count: 1 });
  }
  return {
    becomeAdministrators,
    loseAdministratorRole,
    roleChanges: [...pairs.values()].sort((a, b) => b.count - a.count),
  };
}

/**
 * The number the administrator types to confirm an operation (SPEC §2): every user who gains or
 * loses the Administrator role. Zero means nothing needs confirming; anything else is refused
 * (`confirmation_required`) without `confirmPrivileged: true`.
 */
export function privilegedConfirmationCount(
  summary: Pick<RoleChangeSummary, 'becomeAdministrators' | 'loseAdministratorRole'>,
): number {
  return summary.becomeAdministrators + summary.loseAdministratorRole;
}

/** What the confirmation says will happen, in a sentence (web and CLI). */
export function privilegedConfirmationSentence(
  summary: Pick<RoleChangeSummary, 'becomeAdministrators' | 'loseAdministratorRole'>,
): string {
  const { becomeAdministrators: gain, loseAdministratorRole: lose } = summary;
  const gains = `${plural(gain, 'user')} will become ${gain === 1 ? 'an administrator' : 'administrators'}`;
  const loses =
    lose === 1
      ? '1 administrator will lose the Administrator role'
      : `${lose.toLocaleString('en')} administrators will lose the Administrator role`;
  if (gain > 0 && lose > 0) return `${gains} and ${loses}`;
  return lose > 0 ? loses : gains;
}

/** The label of the field where the number is typed. */
export function privilegedConfirmationLabel(
  summary: Pick<RoleChangeSummary, 'becomeAdministrators' | 'loseAdministratorRole'>,
): string {
  if (summary.becomeAdministrators > 0 && summary.loseAdministratorRole > 0)
    return 'Number of users who will gain or lose the Administrator role';
  return summary.loseAdministratorRole > 0
    ? 'Number of administrators who will lose the role'
    : 'Number of users who will become administrators';
}
