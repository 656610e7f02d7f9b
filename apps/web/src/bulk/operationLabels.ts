import {
  BULK_OPERATION_STATUS_LABELS,
  BULK_OUTCOME_LABELS,
  type BulkOperation,
  type BulkOperationKind,
  bulkItemNoun,
  bulkOperationKindLabel,
  bulkOperationSchema,
  bulkOutcomeLabels,
  isOperationUnfinished,
  type Outcome,
} from '@roster/domain';
import { formatDateTime } from '../lib/format';

export function kindLabel(kind: BulkOperationKind): string {
  return bulkOperationKindLabel(kind);
}

/**
 * Another operation named for people (the one a revert or retry follows): its kind, when and by
 * whom, e.g. "Assign role of 2 Dec 2026, 14:05 by Ada Admin"; its id while it is not known.
 */
export function operationReference(
  id: string,
  operation?: { kind: BulkOperationKind; createdAt: Date; actor: { name: string } },
): string {
  if (!operation) return `operation ${id}`;
  return `${kindLabel(operation.kind)} of ${formatDateTime(operation.createdAt)} by ${operation.actor.name}`;
}

export const STATUS_LABELS = BULK_OPERATION_STATUS_LABELS;

export const isActive = isOperationUnfinished;

export const OUTCOME_LABELS = BULK_OUTCOME_LABELS;

export const outcomeLabels = bulkOutcomeLabels;

export const itemNoun = bulkItemNoun;

/** The same noun at the start of a label: "Rows", "Users processed". */
export function itemNounTitle(kind: BulkOperationKind, count: number): string {
  const noun = bulkItemNoun(kind, count);
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}

/** The same outcome before it happens, as the preview says it. */
export const PREVIEW_LABELS: Record<Exclude<Outcome, 'failed'>, string> = {
  change: 'Will change',
  skip: 'Skipped',
  blocked: 'Blocked',
};

export const OUTCOME_STYLES: Record<Outcome, { badge: string; bar: string; text: string }> = {
  change: {
    badge: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
    bar: 'bg-emerald-500',
    text: 'text-emerald-700',
  },
  skip: { badge: 'bg-slate-100 text-slate-600 ring-slate-200', bar: 'bg-slate-400', text: 'text-slate-600' },
  blocked: {
    badge: 'bg-amber-50 text-amber-800 ring-amber-200',
    bar: 'bg-amber-500',
    text: 'text-amber-800',
  },
  failed: { badge: 'bg-rose-50 text-rose-700 ring-rose-200', bar: 'bg-rose-500', text: 'text-rose-700' },
};

/** A stored operation's parameters (a JSON column) read back as the operation it was. */
export function operationOf(kind: BulkOperationKind, params: unknown): BulkOperation | null {
  const fields = typeof params === 'object' && params !== null ? params : {};
  const parsed = bulkOperationSchema.safeParse({ ...fields, kind });
  return parsed.success ? parsed.data : null;
}
