import type { BulkOperationKind, RouterOutputs } from '@roster/client';
import {
  BULK_OPERATION_STATUS_LABELS,
  bulkItemNoun,
  bulkOperationKindLabel,
  bulkOutcomeLabels,
  isOperationUnfinished,
} from '@roster/domain';
import { EXIT, type ExitCode } from './cliErrors';
import { formatCount, formatTime } from './output';

export type Operation = RouterOutputs['bulk']['get'];

export const STATUS_LABELS = BULK_OPERATION_STATUS_LABELS;

export const kindLabel: (kind: BulkOperationKind) => string = bulkOperationKindLabel;

export function isFinished(operation: Pick<Operation, 'status'>): boolean {
  return !isOperationUnfinished(operation.status);
}

/** Done (even with skipped or blocked users) is 0; an operation that failed or was cancelled is 1. */
export function exitCodeOf(operation: Pick<Operation, 'status'>): ExitCode {
  return operation.status === 'failed' || operation.status === 'cancelled' ? EXIT.failed : EXIT.ok;
}

/** "2 changed, 1 skipped, 0 blocked, 0 failed" in the operation's own words (an import's rows are created or not). */
export function countsSentence(operation: Pick<Operation, 'counts' | 'kind'>): string {
  const labels = bulkOutcomeLabels(operation.kind);
  return (['change', 'skip', 'blocked', 'failed'] as const)
    .map((outcome) => `${formatCount(operation.counts[outcome])} ${labels[outcome].toLowerCase()}`)
    .join(', ');
}

/** "3 of 4 users processed" (an import's: rows). */
export function processedSentence(operation: Pick<Operation, 'processed' | 'total' | 'kind'>): string {
  return `${formatCount(operation.processed)} of ${formatCount(operation.total)} ${bulkItemNoun(operation.kind, operation.total)} processed`;
}

export function operationReport(operation: Operation): string[] {
  const lines = [
    `${kindLabel(operation.kind)} — ${STATUS_LABELS[operation.status]} (operation ${operation.id})`,
    `  ${processedSentence(operation)}: ${countsSentence(operation)}`,
    `  Started ${formatTime(operation.createdAt)} UTC by ${operation.actor.name} <${operation.actor.email}>` +
      (operation.finishedAt ? `; finished ${formatTime(operation.finishedAt)} UTC` : ''),
  ];
  if (operation.error) lines.push(`  Error: ${operation.error}`);
  return lines;
}
