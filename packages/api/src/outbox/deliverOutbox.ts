import { type Db, queryRows, sqlTime } from '@roster/db';
import { sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import type { MailTransport } from './mailTransport';

/** A worker holds the messages it claimed this long; past it, another worker may try them again. */
export const DELIVERY_CLAIM_MS = 5 * 60_000;
const BATCH = 20;

/** The wait before attempt `attempts + 1`: the base, doubled after each further failure. */
export function retryDelayMs(config: Pick<ApiConfig, 'mailRetryBaseMs'>, attempts: number): number {
  return config.mailRetryBaseMs * 2 ** Math.max(0, attempts - 1);
}

/** The link in a delivered e-mail is a secret the recipient now holds; the copy kept here loses it. */
const INVITE_LINK = '/invite/[A-Za-z0-9_-]{43}';
const REDACTED_LINK = '/invite/(link removed after delivery)';

type Claimed = { id: string; to: string; subject: string; text: string; html: string; attempts: number };

/**
 * Claims due messages (queued, or sending with an expired claim of a worker that died) with SKIP
 * LOCKED, so that workers in several processes never take the same message.
 */
async function claimDue(db: Db, now: Date, limit: number): Promise<Claimed[]> {
  return queryRows<Claimed>(
    db,
    sql`update email_outbox set status = 'sending', attempts = attempts + 1,
        next_attempt_at = ${sqlTime(new Date(now.getTime() + DELIVERY_CLAIM_MS))}
      where id in (
        select id from email_outbox
        where status in ('queued', 'sending') and next_attempt_at <= ${sqlTime(now)}
        order by next_attempt_at limit ${limit}
        for update skip locked)
      returning id, "to", subject, text, html, attempts`,
  );
}

type Result = { id: string; attempts: number; error: string | null };

/**
 * Records the attempts of one batch in one statement. `attempts` fences each row: a worker whose
 * claim expired and was taken over does not overwrite the newer attempt.
 */
async function record(db: Db, results: Result[], now: Date, config: ApiConfig): Promise<void> {
  if (results.length === 0) return;
  const next = results.map((r) =>
    r.error === null || r.attempts >= config.mailMaxAttempts
      ? now.toISOString()
      : new Date(now.getTime() + retryDelayMs(config, r.attempts)).toISOString(),
  );
  const states = results.map((r) =>
    r.error === null ? 'sent' : r.attempts >= config.mailMaxAttempts ? 'failed' : 'queued',
  );
  await db.execute(sql`
    update email_outbox o set
      status = x.status::outbox_status,
      last_error = x.error,
      next_attempt_at = x.next_at::timestamptz,
      sent_at = case when x.status = 'sent' then ${sqlTime(now)} else o.sent_at end,
      text = case when x.status = 'sent' then regexp_replace(o.text, ${INVITE_LINK}, ${REDACTED_LINK}, 'g') else o.text end,
      html = case when x.status = 'sent' then regexp_replace(o.html, ${INVITE_LINK}, ${REDACTED_LINK}, 'g') else o.html end
    from unnest(${sql.param(results.map((r) => r.id))}::uuid[], ${sql.param(results.map((r) => r.attempts))}::int[],
      ${sql.param(states)}::text[], ${sql.param(results.map((r) => r.error))}::text[], ${sql.param(next)}::text[])
      as x(id, attempts, status, error, next_at)
    where o.id = x.id and o.status = 'sending' and o.attempts = x.attempts`);
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 1000);
}

/**
 * One round of delivery: claims due messages batch by batch and sends each; returns how many were
 * attempted. Failures are retried with back-off until `mailMaxAttempts`, then `failed` with the error.
 */
export async function deliverDueMessages(
  db: Db,
  transport: MailTransport,
  config: ApiConfig,
  now: () => Date = () => new Date(),
): Promise<number> {
  const from = config.smtp?.from ?? `${config.platformName} <no-reply@localhost>`;
  let attempted = 0;
  for (;;) {
    const claimed = await claimDue(db, now(), BATCH);
    if (claimed.length === 0) return attempted;
    const results: Result[] = [];
    for (const mail of claimed) {
      try {
        await transport.send({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
        results.push({ id: mail.id, attempts: mail.attempts, error: null });
      } catch (error) {
        results.push({ id: mail.id, attempts: mail.attempts, error: describe(error) });
      }
    }
    await record(db, results, now(), config);
    attempted += claimed.length;
  }
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
    running = deliverDueMessages(db, transport, config, options.now)
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
