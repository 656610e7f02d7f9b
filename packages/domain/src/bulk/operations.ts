import { z } from 'zod';
import type { BulkOperationKind, BulkOperationStatus, Outcome } from '../catalog';
import { storable } from '../text';

/** The seven operations of SPEC §2, as the API and the CLI take them. */
export const bulkOperationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('assign_role'), roleId: z.uuid('A role id is a UUID.') }).strict(),
  z
    .object({
      kind: z.literal('copy_access'),
      sourceUserId: z.uuid('A user id is a UUID.'),
      mode: z.enum(['replace', 'merge']).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('invite'),
      message: storable(
        z.string().trim().max(2000, 'An invitation message has at most 2,000 characters.'),
      ).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('resend_invitation') }).strict(),
  z.object({ kind: z.literal('cancel_invitation') }).strict(),
  z.object({ kind: z.literal('deactivate') }).strict(),
  z.object({ kind: z.literal('reactivate') }).strict(),
]);
export type BulkOperation = z.infer<typeof bulkOperationSchema>;
export type BulkOperationKindOf<K extends BulkOperation['kind']> = Extract<BulkOperation, { kind: K }>;

/** The UI's words for each operation (the help article's words). */
export const OPERATION_LABELS: Record<BulkOperation['kind'], string> = {
  assign_role: 'Assign role',
  copy_access: 'Copy access and authorizations',
  invite: 'Invite',
  resend_invitation: 'Resend invitation',
  cancel_invitation: 'Cancel invitation',
  deactivate: 'Deactivate',
  reactivate: 'Reactivate',
};

/** Every kind of bulk operation in the UI's words, imports included. */
export const BULK_OPERATION_KIND_LABELS: Record<BulkOperationKind, string> = {
  ...OPERATION_LABELS,
  import: 'Import',
  revert: 'Revert',
};

export const BULK_OPERATION_STATUS_LABELS: Record<BulkOperationStatus, string> = {
  receiving: 'Previewed, not committed',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  completed_with_skips: 'Completed with skips',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** How an operation's status reads at a glance (its badge's colour). */
export type BulkOperationTone = 'neutral' | 'progress' | 'success' | 'warning' | 'danger';

/**
 * The tone of an operation's status. "Completed with skips" is a success only when the skips are
 * all there is: users left blocked (or failed) are a warning, not a green badge.
 */
export function bulkOperationTone(
  status: BulkOperationStatus,
  counts: { blocked: number; failed: number },
): BulkOperationTone {
  switch (status) {
    case 'receiving':
    case 'queued':
      return 'neutral';
    case 'running':
      return 'progress';
    case 'succeeded':
      return 'success';
    case 'completed_with_skips':
      return counts.blocked + counts.failed > 0 ? 'warning' : 'success';
    case 'failed':
      return 'danger';
    case 'cancelled':
      return 'warning';
  }
}

/** What happened to a user, as results say it. */
export const BULK_OUTCOME_LABELS: Record<Outcome, string> = {
  change: 'Changed',
  skip: 'Skipped',
  blocked: 'Blocked',
  failed: 'Failed',
};

/** An operation's outcomes in its own words: an import creates users, or does not. */
export function bulkOutcomeLabels(kind: BulkOperationKind): Record<Outcome, string> {
  return kind === 'import'
    ? { ...BULK_OUTCOME_LABELS, change: 'Created', blocked: 'Not created' }
    : BULK_OUTCOME_LABELS;
}

/** What an operation counts: an import's rows (not all of them users), or users. */
export function bulkItemNoun(kind: BulkOperationKind, count: number): string {
  const noun = kind === 'import' ? 'row' : 'user';
  return count === 1 ? noun : `${noun}s`;
}

/** An import previewed but not committed, or an operation waiting for or in the hands of a worker. */
export function isOperationUnfinished(status: BulkOperationStatus): boolean {
  return status === 'receiving' || status === 'queued' || status === 'running';
}
