import { IMPORT_REASON_SENTENCES, importReasonSentence, isImportReason } from '../imports/reasons';

/** Every reason a user is skipped or blocked, with the sentence people read (SPEC §2). */
export const SKIP_REASONS = {
  already_has_role: 'Already has this role.',
  same_access: 'Already has exactly this access.',
  is_source: 'Is the user whose access is copied.',
  already_invited: 'Already invited: use “Resend invitation” instead.',
  already_active: 'Already active.',
  deactivated: 'Deactivated: reactivate the user first.',
  not_invited: 'Has no pending invitation.',
  resent_recently: 'The invitation was sent less than a minute ago.',
  already_deactivated: 'Already deactivated.',
  not_deactivated: 'Is not deactivated.',
  created_by_operation: 'Created by this operation: a revert does not delete users.',
} as const;

export const BLOCKED_REASONS = {
  self: 'You cannot do this to your own account.',
  last_admin: 'Would leave the platform without an active administrator.',
  changed_since: 'Changed again since this operation: reverting would undo the newer change.',
  email_taken: 'Another user has the e-mail address this user had before.',
} as const;

/** Why a user failed: an unexpected error, not a rule (such users can be retried). */
export const FAILED_REASONS = {
  user_not_found: 'The user no longer exists.',
  unexpected_error: 'An unexpected error stopped this change.',
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;
export type BlockedReason = keyof typeof BLOCKED_REASONS;
export type Reason = SkipReason | BlockedReason;

const SENTENCES: Readonly<Record<string, string>> = {
  ...IMPORT_REASON_SENTENCES,
  ...SKIP_REASONS,
  ...BLOCKED_REASONS,
  ...FAILED_REASONS,
};

/**
 * The sentence of any result's reason. An import row's `detail` (its column, line, role or e-mail)
 * makes the sentence precise.
 */
export function reasonSentence(reason: string, detail?: string | null): string {
  if (detail && isImportReason(reason)) return importReasonSentence(reason, detail);
  return SENTENCES[reason] ?? reason;
}

/** The detail an import row's result keeps beside its reason (`{ detail }` in the item's `after`). */
export function resultDetail(after: unknown): string | null {
  return after && typeof after === 'object' && 'detail' in after && typeof after.detail === 'string'
    ? after.detail
    : null;
}
