import type { RouterOutputs } from '@roster/client';
import {
  BLOCKED_REASONS,
  privilegedConfirmationCount,
  privilegedConfirmationSentence,
  reasonSentence,
} from '@roster/domain';
import { formatCount, plural } from './output';

export type Preview = RouterOutputs['bulk']['preview'];

const SAMPLE_EMAILS = 3;

const isBlockedReason = (reason: string) => Object.hasOwn(BLOCKED_REASONS, reason);

function samplesLine(preview: Preview, group: string, count: number): string[] {
  const emails = (preview.samples[group] ?? []).slice(0, SAMPLE_EMAILS).map((sample) => sample.email);
  if (emails.length === 0) return [];
  const more = count - emails.length;
  return [`      e.g. ${emails.join(', ')}${more > 0 ? `, and ${formatCount(more)} more` : ''}`];
}

/**
 * What an operation would do, grouped by outcome and then by reason, each reason in the domain's
 * own sentence (the words the web app shows) with its stable code beside it.
 */
export function previewReport(title: string, preview: Preview): string[] {
  const width = formatCount(preview.total).length;
  const count = (n: number) => formatCount(n).padStart(width);
  const lines = [`${title} — preview of ${plural(preview.total, 'user')}:`];
  lines.push(`  ${count(preview.counts.change)} will change`);
  lines.push(...samplesLine(preview, 'change', preview.counts.change));
  const reasons = Object.entries(preview.reasons).sort(([, a], [, b]) => b - a);
  for (const outcome of ['skip', 'blocked'] as const) {
    const total = preview.counts[outcome];
    lines.push(`  ${count(total)} ${outcome === 'skip' ? 'skipped' : 'blocked'}`);
    for (const [reason, n] of reasons) {
      if (isBlockedReason(reason) !== (outcome === 'blocked')) continue;
      lines.push(`    ${count(n)}  ${reasonSentence(reason)} [${reason}]`);
      lines.push(...samplesLine(preview, `${outcome}:${reason}`, n).map((line) => `  ${line}`));
    }
  }
  if (privilegedConfirmationCount(preview) > 0) lines.push(`  ${privilegedConfirmationSentence(preview)}.`);
  return lines;
}
