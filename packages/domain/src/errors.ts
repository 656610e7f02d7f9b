import { EMAIL_LIST_MAX } from './emailListLimits';
import { IMPORT_LIMITS } from './imports/limits';
import { IMPORT_ERROR_REASONS, IMPORT_SKIP_REASONS } from './imports/reasons';

/**
 * Every reason a whole request is refused. The API maps each code to one tRPC error code and passes
 * the code itself on as `data.code`, so clients can rely on it.
 */
export const DOMAIN_ERROR_CODES = {
  invalid_credentials: 'UNAUTHORIZED',
  account_deactivated: 'UNAUTHORIZED',
  account_not_active: 'UNAUTHORIZED',
  not_signed_in: 'UNAUTHORIZED',
  not_admin: 'FORBIDDEN',
  csrf: 'FORBIDDEN',
  too_many_attempts: 'TOO_MANY_REQUESTS',
  sign_in_batched: 'BAD_REQUEST',
  token_not_found: 'NOT_FOUND',
  user_not_found: 'NOT_FOUND',
  unknown_role: 'BAD_REQUEST',
  unknown_module: 'BAD_REQUEST',
  unknown_org_unit: 'BAD_REQUEST',
  unknown_right: 'BAD_REQUEST',
  invalid_date_range: 'BAD_REQUEST',
  too_many_emails: 'BAD_REQUEST',
  unknown_source_user: 'BAD_REQUEST',
  /** A new user (`users.create`) refused by the import's rule for its row, with the row's reason. */
  already_exists: 'CONFLICT',
  missing_email: 'BAD_REQUEST',
  invalid_email: 'BAD_REQUEST',
  too_long: 'BAD_REQUEST',
  invalid_characters: 'BAD_REQUEST',
  invalid_source_email: 'BAD_REQUEST',
  source_is_new: 'BAD_REQUEST',
  empty_file: 'BAD_REQUEST',
  no_rows: 'BAD_REQUEST',
  missing_email_column: 'BAD_REQUEST',
  duplicate_headers: 'BAD_REQUEST',
  too_many_rows: 'BAD_REQUEST',
  file_too_large: 'BAD_REQUEST',
  not_utf8: 'BAD_REQUEST',
  unclosed_quote: 'BAD_REQUEST',
  invalid_cursor: 'BAD_REQUEST',
  invalid_start: 'BAD_REQUEST',
  empty_selection: 'BAD_REQUEST',
  selection_changed: 'CONFLICT',
  confirmation_required: 'PRECONDITION_FAILED',
  count_confirmation_required: 'PRECONDITION_FAILED',
  operation_not_found: 'NOT_FOUND',
  operation_conflict: 'CONFLICT',
  operation_finished: 'CONFLICT',
  operation_not_finished: 'CONFLICT',
  import_not_previewed: 'NOT_FOUND',
  import_incomplete: 'PRECONDITION_FAILED',
  not_revertible: 'BAD_REQUEST',
  not_retryable: 'BAD_REQUEST',
  nothing_to_revert: 'BAD_REQUEST',
  nothing_to_retry: 'BAD_REQUEST',
  invitation_malformed: 'BAD_REQUEST',
  invitation_unknown: 'NOT_FOUND',
  invitation_expired: 'CONFLICT',
  invitation_cancelled: 'CONFLICT',
  invitation_superseded: 'CONFLICT',
  invitation_used: 'CONFLICT',
  weak_password: 'BAD_REQUEST',
  outbox_message_not_found: 'NOT_FOUND',
  database_unavailable: 'SERVICE_UNAVAILABLE',
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_CODES;

export const DOMAIN_ERROR_MESSAGES: Record<DomainErrorCode, string> = {
  invalid_credentials: 'The e-mail or password is incorrect.',
  account_deactivated: 'This account is deactivated. Ask an administrator to reactivate it.',
  account_not_active: 'This account is not active yet. Accept your invitation first.',
  not_signed_in: 'Sign in to continue.',
  not_admin: 'Only administrators can do this.',
  csrf: 'A request signed in with a session cookie must send the header "x-roster-csrf: 1" (tools should prefer an API token: "Authorization: Bearer <token>").',
  too_many_attempts: 'Too many failed sign-ins from this address. Wait a moment and try again.',
  sign_in_batched:
    'A sign-in is sent on its own, never in a batch with other calls: send auth.signIn as a request of its own.',
  token_not_found: 'This API token does not exist or was already revoked.',
  user_not_found: 'This user does not exist.',
  unknown_role: 'This role does not exist.',
  unknown_module: 'This module does not exist.',
  unknown_org_unit: 'This organisation unit does not exist.',
  unknown_right: 'This cross-functional right does not exist.',
  invalid_date_range:
    'The creation range ends before it starts: choose a "to" date on or after the "from" date.',
  too_many_emails: `A pasted list holds at most ${EMAIL_LIST_MAX.toLocaleString('en')} e-mail addresses. Split it into smaller lists.`,
  unknown_source_user: 'The user to copy access from does not exist.',
  already_exists: IMPORT_SKIP_REASONS.already_exists,
  missing_email: IMPORT_ERROR_REASONS.missing_email,
  invalid_email: IMPORT_ERROR_REASONS.invalid_email,
  too_long: IMPORT_ERROR_REASONS.too_long,
  invalid_characters: IMPORT_ERROR_REASONS.invalid_characters,
  invalid_source_email: IMPORT_ERROR_REASONS.invalid_source_email,
  source_is_new: IMPORT_ERROR_REASONS.source_is_new,
  empty_file: 'This file is empty.',
  no_rows: 'This file has a header line but no users under it.',
  missing_email_column:
    'This file has no email column. Name the column of e-mail addresses “email”, or choose it in the column mapping.',
  duplicate_headers:
    'Several columns of this file are read as the same column. Keep only one of them, or choose which to use in the column mapping.',
  too_many_rows: `An import holds at most ${IMPORT_LIMITS.maxRows.toLocaleString('en')} users. Split this file into smaller ones.`,
  file_too_large: `An import file is at most ${IMPORT_LIMITS.maxBytes / (1024 * 1024)} MB. Split this file into smaller ones.`,
  not_utf8:
    'This file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”; in other tools, choose the UTF-8 encoding.',
  unclosed_quote: 'A quoted value in this file is never closed. Check its quotation marks.',
  invalid_cursor: 'The page cursor is not valid. Start again from the first page.',
  invalid_start:
    'A list starts at a letter only when it is sorted by name or e-mail. Sort by one of them, or jump to the end.',
  empty_selection: 'Select at least one user.',
  selection_changed: 'The users matching this filter changed since you looked. Review the preview again.',
  confirmation_required:
    'Some of these users would gain or lose the Administrator role: confirm it first (confirmPrivileged: true).',
  count_confirmation_required:
    'This operation locks many users out: confirm it by their number first (confirmCount: the number of selected users).',
  operation_not_found: 'This bulk operation does not exist.',
  operation_conflict: 'This operation id is already used by a different operation.',
  operation_finished: 'This operation has already finished.',
  operation_not_finished: 'This operation has not finished yet. Wait until it is done, or cancel it.',
  import_not_previewed: 'This import has not been previewed. Preview the file, then commit it.',
  import_incomplete:
    'Not every row of this file has been previewed yet. Preview the whole file, then commit it.',
  not_revertible:
    'This operation cannot be reverted: a resent invitation cannot be taken back, and users created by an import are not deleted.',
  not_retryable: 'The rows of an import that failed are retried by importing them again.',
  nothing_to_revert: 'This operation changed no user: there is nothing to revert.',
  nothing_to_retry:
    'No user of this operation is left to retry: none failed, or a retry of this operation already took them.',
  invitation_malformed:
    'This invitation link is incomplete. Open the link from the e-mail again, or copy all of it.',
  invitation_unknown: 'This invitation link is not valid. Ask your administrator for a new invitation.',
  invitation_expired: 'This invitation has expired. Ask your administrator to send it again.',
  invitation_cancelled: 'This invitation was cancelled by an administrator.',
  invitation_superseded:
    'A newer invitation was sent to you after this one. Use the link in the most recent e-mail.',
  invitation_used: 'This invitation was already accepted. Sign in with your e-mail and password.',
  weak_password: 'Choose a stronger password.',
  outbox_message_not_found: 'This message is not in the outbox.',
  database_unavailable:
    'The database could not be reached for a moment. Try again in a few seconds; a bulk operation that was running carries on by itself.',
};

/** The whole request is invalid; thrown by domain and API code, mapped once by the API. */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** A refusal that time lifts (too_many_attempts): the wait, which HTTP sends as `Retry-After`. */
  readonly retryAfterMs: number | undefined;
  /** The input field the refusal is about (a form shows it there), when it is about one. */
  readonly field: string | undefined;
  constructor(
    code: DomainErrorCode,
    message: string = DOMAIN_ERROR_MESSAGES[code],
    options: { retryAfterMs?: number; field?: string } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.field = options.field;
  }
}
