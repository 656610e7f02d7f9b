import type { BulkOperationKind, BulkOperationStatus, Outcome } from '../catalog';
import { KIND_TRAITS } from './operations';

/** The name of any kind of bulk operation in the UI's words, imports and reverts included. */
export function bulkOperationKindLabel(kind: BulkOperationKind): string {
  return KIND_TRAITS[kind].label;
}

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

/**
 * "2 changed, 1 skipped of 3 users." in the operation's own words (an import's rows are created or
 * not): the operation page, its finished notice and its e-mail say it alike.
 */
export function operationOutcomeSentence(operation: {
  kind: BulkOperationKind;
  total: number;
  counts: Record<Outcome, number>;
}): string {
  const { counts } = operation;
  const labels = bulkOutcomeLabels(operation.kind);
  const part = (outcome: Outcome) =>
    `${counts[outcome].toLocaleString('en')} ${labels[outcome].toLowerCase()}`;
  const parts = [part('change')];
  if (counts.skip) parts.push(part('skip'));
  if (counts.blocked) parts.push(part('blocked'));
  if (counts.failed) parts.push(part('failed'));
  return `${parts.join(', ')} of ${operation.total.toLocaleString('en')} ${bulkItemNoun(operation.kind, operation.total)}.`;
}
