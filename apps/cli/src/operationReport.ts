import type { BulkOperationKind, RouterOutputs } from '@roster/client';
import {
  BULK_OPERATION_KIND_LABELS,
  BULK_OPERATION_STATUS_LABELS,
  isOperationUnfinished,
} from '@roster/domain';
import { EXIT, type ExitCode } from './cliErrors';
import { formatCount, formatTime, plural } from './output';

export type Operation = RouterOutputs['bulk']['get'];

export const STATUS_LABELS = BULK_OPERATION_STATUS_LABELS;

export function kindLabel(kind: BulkOperationKind): string {
  return BULK_OPERATION_KIND_LABELS[kind];
}

export function isFinished(operation: Pick<Operation, 'status'>): boolean {
  return !isOperationUnfinished(operation.status);
}

/** Done (even with skipped or blocked users) is 0; an operation that failed or was cancelled is 1. */
export function exitCodeOf(operation: Pick<Operation, 'status'>): ExitCode {
  return operation.status === 'failed' || operation.status === 'cancelled' ? EXIT.failed : EXIT.ok;
}

export function countsSentence(operation: Pick<Operation, 'counts'>): string {
  const { change, skip, blocked, failed } = operation.counts;
  return `${formatCount(change)} changed, ${formatCount(skip)} skipped, ${formatCount(blocked)} blocked, ${formatCount(failed)} failed`;
}

export function operationReport(operation: Operation): string[] {
  const lines = [
    `${kindLabel(operation.kind)} — ${STATUS_LABELS[operation.status]} (operation ${operation.id})`,
    `  ${formatCount(operation.processed)} of ${plural(operation.total, 'user')} processed: ${countsSentence(operation)}`,
    `  Started ${formatTime(operation.createdAt)} UTC by ${operation.actor.name} <${operation.actor.email}>` +
      (operation.finishedAt ? `; finished ${formatTime(operation.finishedAt)} UTC` : ''),
  ];
  if (operation.error) lines.push(`  Error: ${operation.error}`);
  return lines;
}
