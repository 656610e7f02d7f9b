import type { z } from 'zod';
import type { UserStatus } from '../../catalog';
import type { Change, PlanContext, PlanUser } from '../plan';
import type { SkipReason } from '../reasons';

/**
 * What a change does besides writing the fields it names (status, role, access): each is written by
 * the engine for every change that names it, whichever operation (or revert) decided it. In the
 * order they are written: a pending invitation is cancelled before a new one is sent.
 */
export const CHANGE_EFFECTS = [
  /** The user's pending invitation stops working. */
  'cancel_pending_invitation',
  /** Sessions and API tokens are revoked: the user is signed out everywhere. */
  'revoke_sign_ins',
  /** A new invitation (a fresh link) and its e-mail. */
  'send_invitation',
  /** The pending invitation is superseded by a new one with a new link, its message kept. */
  'resend_invitation',
] as const;
export type ChangeEffect = (typeof CHANGE_EFFECTS)[number];

/**
 * The effects of moving a user from one status to another, the same for an operation and for a
 * revert that leads there: to `invited`, an invitation is sent; away from `invited` (or to
 * `deactivated`), the pending invitation is cancelled; to `deactivated`, sign-ins are revoked.
 */
export function statusChangeEffects(from: UserStatus, to: UserStatus): ChangeEffect[] {
  const effects: ChangeEffect[] = [];
  if (from === 'invited' || to === 'deactivated') effects.push('cancel_pending_invitation');
  if (to === 'deactivated') effects.push('revoke_sign_ins');
  if (to === 'invited') effects.push('send_invitation');
  return effects;
}

/** What every kind of bulk operation declares: the seven of SPEC §2, imports and reverts alike. */
export type KindTraits = {
  /** Its name in the UI's words (the help article's). */
  label: string;
  /** Whether its changes can be given back by a revert. */
  revertible: boolean;
  /** Whether its failed users (rows) can be run again. */
  retryable: boolean;
  /** Whether it can give or take the Administrator role: such moves are confirmed by a typed count. */
  movesAdministratorRole: boolean;
  /**
   * Whether a change can make or unmake an active administrator (a role or a status): its batches
   * holding active administrators take the administrator lock, so the last one is never removed.
   */
  changesActiveAdministrators: boolean;
  /** Whether deciding it may read users' access (module levels, scope, rights): heavier batches. */
  readsAccess: boolean;
};

/** The tenant facts one operation's rule needs besides the users, named by its parameters. */
export type TenantFacts = { roleId?: string; sourceUserId?: string };

/** Where an operation's entry sits in the "Mass operation" menu. */
export const OPERATION_GROUPS = ['role_and_access', 'invitations', 'account'] as const;
export type OperationGroup = (typeof OPERATION_GROUPS)[number];

/** The menu's group headings, as admins think of the operations. */
export const OPERATION_GROUP_LABELS: Record<OperationGroup, string> = {
  role_and_access: 'Role and access',
  invitations: 'Invitations',
  account: 'Account',
};

/** How an operation's entry and Apply button look: `danger` for what locks people out. */
export type OperationTone = 'default' | 'danger';

/** What one operation decides for one user, before the guards every change passes. */
export type Decision =
  | { outcome: 'skip'; reason: SkipReason }
  | {
      outcome: 'change';
      before: Change;
      after: Change;
      effects: readonly ChangeEffect[];
      /** The acting admin's own account is refused this change (`self`). */
      notOnSelf?: boolean;
    };

/**
 * One of the seven operations of SPEC §2, declared once: the API, the engine, the web app and the
 * CLI all read it. `rule` is called once per plan (checks its tenant facts, prepares what every user
 * is compared with) and returns the decision for one user.
 */
export type OperationDefinition<Schema extends z.ZodObject = z.ZodObject> = KindTraits & {
  /** Its parameters, as the API and the CLI take them (`kind` included). */
  schema: Schema;
  /** One sentence under its name in the panel: what it does. */
  description: string;
  /** The title of the preview's `change` group: what happens to those users. */
  changeSentence: string;
  group: OperationGroup;
  tone: OperationTone;
  /**
   * The statuses of the users its rule can change (others are skipped for their status): what one
   * user's drawer offers for that user. The domain's tests hold it to the rule.
   */
  forStatuses: readonly UserStatus[];
  /** The tenant facts its rule needs, named by its parameters. */
  tenantFacts(operation: z.infer<Schema>): TenantFacts;
  rule(operation: z.infer<Schema>, context: PlanContext): (user: PlanUser) => Decision;
};

/** Declares an operation (the schema's type flows into its rule). */
export function defineOperation<Schema extends z.ZodObject>(
  definition: OperationDefinition<Schema>,
): OperationDefinition<Schema> {
  return definition;
}
