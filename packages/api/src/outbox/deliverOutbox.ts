import { type Db, queryRows, sqlTime } from '@roster/db';
import { sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { errorText } from '../errorText';
import type { MailTransport } from './mailTransport';

/**
 * A worker holds a message this long for one send; it renews the hold just before sending, so a
 * slow batch never outlives it (the SMTP timeouts end a send well within it).
 */
export const DELIVERY_CLAIM_MS = 5 * 60_000;
const BATCH = 20;

/** The wait before attempt `attempts + 1`: the base, doubled after each further failure. */
export function retryDelayMs(config: Pick<ApiConfig, 'mailRetryBaseMs'>, attempts: number): number {
  return config.mailRetryBaseMs * 2 ** Math.max(0, attempts - 1);
}

/** The link in an e-mail that left the outbox (delivered or given up) is a secret no copy keeps. */
const INVITE_LINK = '/invite/[A-Za-z0-9_-]{43}';
const REDACTED_LINK = '/invite/(link removed)';

type Claimed = { id: string; to: string; subject: string; text: string; html: string; attempts: number };

const claimUntil = (now: Date) => sqlTime(new Date(now.getTime() + DELIVERY_CLAIM_MS));

/**
 * Claims due messages (queued, or sending with an expired claim of a worker that died) with SKIP
 * LOCKED, so that workers in several processes never take the same message. A message whose worker
 * died on its last allowed attempt is given up instead of being tried forever.
 */
async function claimDue(db: Db, now: Date, limit: number, maxAttempts: number): Promise<Claimed[]> {
  await db.execute(sql`
    update email_outbox set status = 'failed', last_error = coalesce(last_error, 'The delivery worker stopped during the last attempt.'),
      text = regexp_replace(text, ${INVITE_LINK}, ${REDACTED_LINK}, 'g'), html = regexp_replace(html, ${INVITE_LINK}, ${REDACTED_LINK}, 'g')
    where status = 'sending' and next_attempt_at <= ${sqlTime(now)} and attempts >= ${maxAttempts}`);
  return queryRows<Claimed>(
    db,
    sql`update email_outbox set status = 'sending', attempts = attempts + 1, next_attempt_at = ${claimUntil(now)}
      where id in (
        select id from email_outbox
        where status in ('queued', 'sending') and next_attempt_at <= ${sqlTime(now)}
        order by next_attempt_at limit ${limit}
        for update skip locked)
      returning id, "to", subject, text, html, attempts`,
  );
}

/**
 * Renews this worker's hold on a message just before it is sent. `attempts` fences it: when the
 * hold ran out and another worker took the message, this worker does not send it.
 */
async function stillOurs(db: Db, mail: Claimed, now: Date): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update email_outbox set next_attempt_at = ${claimUntil(now)}
      where id = ${mail.id} and status = 'sending' and attempts = ${mail.attempts} returning id`,
  );
  return rows.length === 1;
}

/** Records one attempt as soon as it is known; fenced on `attempts` like the hold. */
async function record(db: Db, mail: Claimed, error: string | null, now: Date, config: ApiConfig) {
  const final = error === null || mail.attempts >= config.mailMaxAttempts;
  const status = error === null ? 'sent' : final ? 'failed' : 'queued';
  const next = final ? now : new Date(now.getTime() + retryDelayMs(config, mail.attempts));
  await db.execute(sql`
    update email_outbox set status = ${status}::outbox_status, last_error = ${error},
      next_attempt_at = ${sqlTime(next)},
      sent_at = ${status === 'sent' ? sqlTime(now) : null},
      text = case when ${final} then regexp_replace(text, ${INVITE_LINK}, ${REDACTED_LINK}, 'g') else text end,
      html = case when ${final} then regexp_replace(html, ${INVITE_LINK}, ${REDACTED_LINK}, 'g') else html end
    where id = ${mail.id} and status = 'sending' and attempts = ${mail.attempts}`);
}

/**
 * One round of delivery: claims due messages batch by batch and sends each, recording it at once;
 * returns how many were sent or tried. Failures are retried with back-off until `mailMaxAttempts`,
 * then `failed` with the error. `shouldStop` ends the round between two messages.
 */
export async function deliverDueMessages(
  db: Db,
  transport: MailTransport,
  config: ApiConfig,
  now: () => Date = () => new Date(),
  shouldStop: () => boolean = () => false,
): Promise<number> {
  const from = config.smtp?.from ?? `${config.platformName} <no-reply@localhost>`;
  let attempted = 0;
  while (!shouldStop()) {
    const claimed = await claimDue(db, now(), BATCH, config.mailMaxAttempts);
    if (claimed.length === 0) break;
    for (const mail of claimed) {
      // Unsent claims simply run out and are taken again.
      if (shouldStop()) break;
      if (!(await stillOurs(db, mail, now()))) continue;
      let error: string | null = null;
      try {
        await transport.send({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      } catch (e) {
        error = errorText(e);
      }
      await record(db, mail, error, now(), config);
      attempted++;
    }
  }
  return attempted;
}

/** The delivery worker of a server process; only started when SMTP is configured. */
export function startOutboxDelivery(
  db: Db,
  config: ApiConfig,
  transport: MailTransport,
  options: { pollMs?: number; now?: () => Date; onError?: (error: unknown) => void } = {},
) {
  let stopped = false;
  let busy = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped || busy) return;
    busy = true;
    running = deliverDueMessages(db, transport, config, options.now, () => stopped)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        busy = false;
      });
  }, options.pollMs ?? 1000);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
