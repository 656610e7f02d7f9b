import {
  BULK_OPERATION_STATUS_LABELS,
  type BulkOperationKind,
  type BulkOperationStatus,
  bulkOperationKindLabel,
  type Outcome,
  operationOutcomeSentence,
} from '@roster/domain';
import { escapeHtml } from '../invitations/invitationEmail';

const startedFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/**
 * The e-mail telling an administrator who was away that an operation they started has finished
 * (issue 19 item 11): which operation, how it ended, its counts, and the link to its results.
 */
export function operationFinishedEmail(input: {
  platformName: string;
  publicUrl: string;
  operation: {
    id: string;
    kind: BulkOperationKind;
    status: BulkOperationStatus;
    total: number;
    counts: Record<Outcome, number>;
    createdAt: Date;
  };
}) {
  const { operation } = input;
  const name = bulkOperationKindLabel(operation.kind);
  const status = BULK_OPERATION_STATUS_LABELS[operation.status];
  const started = `${startedFormat.format(operation.createdAt)} UTC`;
  const link = `${input.publicUrl}/admin/operations/${operation.id}`;
  const counts = operationOutcomeSentence(operation);
  const subject = `${name}: ${status.toLowerCase()} — ${counts.replace(/\.$/, '')}`;
  const text = [
    `The operation you started on ${input.platformName} on ${started} has finished.`,
    '',
    `${name}: ${status}`,
    counts,
    '',
    'Its results, user by user:',
    link,
  ].join('\n');
  const html = `<!doctype html>
<html><body style="margin:0;padding:24px;background:#f8fafc;font-family:system-ui,sans-serif;color:#0f172a">
<div style="max-width:520px;margin:0 auto;background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:24px">
<p style="font-size:14px;color:#475569">The operation you started on ${escapeHtml(input.platformName)} on ${escapeHtml(started)} has finished.</p>
<p style="font-size:16px"><strong>${escapeHtml(name)}</strong>: ${escapeHtml(status)}</p>
<p>${escapeHtml(counts)}</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#4f46e5;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">See its results</a></p>
<p style="font-size:13px;color:#475569">Or open this link: <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>
</div></body></html>`;
  return { subject, text, html };
}
