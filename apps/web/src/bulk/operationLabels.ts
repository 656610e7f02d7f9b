import {
  BULK_OPERATION_KIND_LABELS,
  BULK_OPERATION_STATUS_LABELS,
  BULK_OUTCOME_LABELS,
  type BulkOperation,
  type BulkOperationKind,
  bulkItemNoun,
  bulkOperationSchema,
  bulkOutcomeLabels,
  isOperationUnfinished,
  type Outcome,
} from '@roster/domain';
import { formatDateTime } from '../lib/format';

export function kindLabel(kind: BulkOperationKind): string {
  return BULK_OPERATION_KIND_LABELS[kind];
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

/** One sentence under the operation's name in the panel: what it does, in the admin's words. */
export const OPERATION_DESCRIPTIONS: Record<BulkOperation['kind'], string> = {
  assign_role: 'Every selected user gets this role. Users who already have it are skipped.',
  copy_access:
    'Copies module access, scope and cross-functional rights from one user. Role, status and functional authorizations (projects, activities, sub-budgets) are not touched.',
  invite:
    'Users who were never invited receive an invitation e-mail; the preview shows until when its link is valid.',
  resend_invitation: 'Pending invitations are sent again with a new link; the previous link stops working.',
  cancel_invitation:
    'Pending invitations are cancelled: their links stop working and the users return to Created.',
  deactivate:
    'Users can no longer sign in; their sessions and API tokens are revoked. Their data is kept and they can be reactivated.',
  reactivate:
    'Deactivated users can sign in again — or return to Created if they never accepted an invitation.',
};

/** The title of the preview's `change` group: what happens to those users. */
export const CHANGE_SENTENCES: Record<BulkOperation['kind'], string> = {
  assign_role: 'Will get this role.',
  copy_access: 'Will get the copied access and authorizations.',
  invite: 'Will be invited by e-mail.',
  resend_invitation: 'Will receive a new invitation e-mail.',
  cancel_invitation: 'Will have their invitation cancelled.',
  deactivate: 'Will be deactivated and signed out.',
  reactivate: 'Will be reactivated.',
};
