import type { BulkOperationKind, BulkOperationStatus, RouterOutputs } from '@roster/client';
import { OPERATION_LABELS } from '@roster/domain';
import { EXIT, type ExitCode } from './cliErrors';
import { formatCount, formatTime, plural } from './output';

export type Operation = RouterOutputs['bulk']['get'];

const KIND_LABELS: Record<BulkOperationKind, string> = { ...OPERATION_LABELS, import: 'Import' };

export const STATUS_LABELS: Record<BulkOperationStatus, string> = {
  receiving: 'Uploading',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  completed_with_skips: 'Completed with skips',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function kindLabel(kind: BulkOperationKind): string {
  return KIND_LABELS[kind];
}

/** An import still receiving its rows, or an operation waiting for or in the hands of a worker, is not. */
export function isFinished(operation: Pick<Operation, 'status'>): boolean {
  return operation.status !== 'receiving' && operation.status !== 'queued' && operation.status !== 'running';
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
