import { createDb, type DbHandle, emailOutbox, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiConfig, deliverDueMessages, type MailTransport, retryDelayMs, smtpTransport } from '../src';
import { DELIVERY_CLAIM_MS } from '../src/outbox/deliverOutbox';
import { type Caller, createHarness, type Harness } from './harness';
import { inviteThroughBulk, tokenFromText } from './invitationFixtures';

type Received = { to: string; subject: string; text: string; html: string };

/** A real SMTP server on a free port that keeps what it receives, or refuses it while `failing`. */
async function startSmtp(options: { delayMs?: number } = {}) {
  const received: Received[] = [];
  const state = { failing: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream: SMTPServerDataStream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          if (state.failing) {
            const error = Object.assign(new Error('Mailbox unavailable, try later'), { responseCode: 451 });
            return callback(error);
          }
          const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
          received.push({
            to: to ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('The SMTP server has no TCP port');
  const port = address.port;
  return {
    received,
    state,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let h: Harness;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let admin: Caller;
let config: ApiConfig;

beforeAll(async () => {
  smtp = await startSmtp();
  h = await createHarness({
    config: {
      smtp: { url: smtp.url, from: 'Roster <no-reply@roster.test>' },
      mailMaxAttempts: 3,
      mailRetryBaseMs: 60_000,
    },
  });
  config = h.config;
});
afterAll(async () => {
  await h.close();
  await smtp.close();
});
beforeEach(async () => {
  await h.reset();
  smtp.received.length = 0;
  smtp.state.failing = false;
  const { user, session } = await h.signedIn('Administrator');
  await h.db.update(users).set({ firstName: 'Ada', lastName: 'Lovelace' }).where(eq(users.id, user.id));
  admin = await h.asSession(session);
});

async function invite(count: number) {
  const people = await Promise.all(
    Array.from({ length: count }, () => h.createUser({ status: 'created', withPassword: false })),
  );
  await inviteThroughBulk(
    admin,
    people.map((p) => p.id),
  );
  return people;
}

const transportTo = (url: string) => smtpTransport({ url, from: 'Roster <no-reply@roster.test>' });

const outbox = () => h.db.select().from(emailOutbox).orderBy(emailOutbox.id);

describe('e-mail delivery over SMTP', () => {
  it('delivers each invitation to its invitee with a working link, once', async () => {
    const people = await invite(3);
    expect((await outbox()).map((m) => m.status)).toEqual(['queued', 'queued', 'queued']);
    const transport = transportTo(smtp.url);
    expect(await deliverDueMessages(h.db, transport, config, h.clock.now)).toBe(3);
    // Nothing is due any more: a second round sends nothing again.
    expect(await deliverDueMessages(h.db, transport, config, h.clock.now)).toBe(0);
    transport.close();

    expect(smtp.received.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    for (const mail of smtp.received) {
      expect(mail.subject).toBe('Ada Lovelace invited you to Roster');
      expect(mail.html).toContain('Accept the invitation');
    }
    const rows = await outbox();
    expect(rows.map((m) => [m.status, m.attempts, m.sentAt])).toEqual(
      rows.map(() => ['sent', 1, h.clock.now()]),
    );
    // The copy kept in the outbox no longer holds the secret link.
    for (const row of rows) expect(row.text).not.toMatch(/\/invite\/[A-Za-z0-9_-]{43}/);

    // Each received link accepts its own invitee.
    for (const mail of smtp.received) {
      const token = tokenFromText(mail.text);
      expect(mail.text).toContain(`http://localhost:3000/invite/${token}`);
      const me = await (await h.anonymous()).invitations.accept({
        token,
        firstName: 'New',
        lastName: 'Person',
        password: 'a long enough passphrase',
      });
      expect(me.email).toBe(mail.to);
    }
  });

  it('retries a failing server with back-off and ends failed with the error after the last attempt', async () => {
    await invite(1);
    smtp.state.failing = true;
    const transport = transportTo(smtp.url);
    const deliver = () => deliverDueMessages(h.db, transport, config, h.clock.now);

    expect(await deliver()).toBe(1);
    let [row] = await outbox();
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row?.lastError).toContain('Mailbox unavailable');
    expect(row?.nextAttemptAt).toEqual(new Date(h.clock.now().getTime() + retryDelayMs(config, 1)));

    // Not due before the back-off has passed.
    h.clock.advance(retryDelayMs(config, 1) - 1000);
    expect(await deliver()).toBe(0);
    h.clock.advance(1000);
    expect(await deliver()).toBe(1);
    [row] = await outbox();
    expect(row).toMatchObject({ status: 'queued', attempts: 2 });
    expect(retryDelayMs(config, 2)).toBe(2 * retryDelayMs(config, 1));

    h.clock.advance(retryDelayMs(config, 2));
    expect(await deliver()).toBe(1);
    [row] = await outbox();
    expect(row).toMatchObject({ status: 'failed', attempts: 3, sentAt: null });
    expect(row?.lastError).toContain('Mailbox unavailable');
    // Given up: the stored copy no longer holds the secret link either.
    expect(row?.text).not.toMatch(/\/invite\/[A-Za-z0-9_-]{43}/);

    // Failed is final: the server recovering later sends nothing.
    smtp.state.failing = false;
    h.clock.advance(24 * 3_600_000);
    expect(await deliver()).toBe(0);
    expect(smtp.received).toEqual([]);
    transport.close();
  });

  it('takes over a message whose worker died mid-send once its claim has run out', async () => {
    await invite(1);
    // A worker claimed it and died: the row says sending, claimed until some time from now.
    await h.db.execute(
      `update email_outbox set status = 'sending', attempts = 1, next_attempt_at = '${new Date(h.clock.now().getTime() + 60_000).toISOString()}'`,
    );
    const transport = transportTo(smtp.url);
    expect(await deliverDueMessages(h.db, transport, config, h.clock.now)).toBe(0);
    h.clock.advance(60_000);
    expect(await deliverDueMessages(h.db, transport, config, h.clock.now)).toBe(1);
    transport.close();
    expect(smtp.received).toHaveLength(1);
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('never sends a message twice when a slow batch outlasts the claim it started with', async () => {
    const people = await invite(3);
    const real = transportTo(smtp.url);
    // Worker A's sends take two minutes each: its batch outlasts the claim it took at the start.
    // After each of them worker B looks for messages whose claim has run out.
    const slowA: MailTransport = {
      send: async (mail) => {
        await real.send(mail);
        h.clock.advance(DELIVERY_CLAIM_MS / 2 - 30_000);
        await deliverDueMessages(h.db, real, config, h.clock.now);
      },
      close: () => {},
    };
    await deliverDueMessages(h.db, slowA, config, h.clock.now);
    real.close();
    expect(smtp.received.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    expect((await outbox()).map((m) => [m.status, m.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('gives up a message whose worker died on its last attempt instead of trying it forever', async () => {
    await invite(1);
    await h.db.execute(
      `update email_outbox set status = 'sending', attempts = ${config.mailMaxAttempts}, next_attempt_at = '${h.clock.now().toISOString()}'`,
    );
    const transport = transportTo(smtp.url);
    expect(await deliverDueMessages(h.db, transport, config, h.clock.now)).toBe(0);
    transport.close();
    expect(smtp.received).toEqual([]);
    const [row] = await outbox();
    expect(row).toMatchObject({
      status: 'failed',
      lastError: 'The delivery worker stopped during the last attempt.',
    });
  });
});

describe('several delivery workers', () => {
  let slow: Awaited<ReturnType<typeof startSmtp>>;
  let second: DbHandle | undefined;
  beforeEach(async () => {
    slow = await startSmtp({ delayMs: 5 });
  });
  afterEach(async () => {
    await second?.close();
    second = undefined;
    await slow.close();
  });

  it('never deliver one message twice', async () => {
    const people = await invite(40);
    // On PostgreSQL the second worker has connections of its own, as another process would.
    second = h.testDb.url ? await createDb({ url: h.testDb.url, maxConnections: 2 }) : undefined;
    const slowConfig: ApiConfig = {
      ...config,
      smtp: { url: slow.url, from: 'Roster <no-reply@roster.test>' },
    };
    const [one, two] = [transportTo(slow.url), transportTo(slow.url)];
    const counts = await Promise.all([
      deliverDueMessages(h.db, one, slowConfig, h.clock.now),
      deliverDueMessages(second?.db ?? h.db, two, slowConfig, h.clock.now),
    ]);
    one.close();
    two.close();
    expect(counts[0] + counts[1]).toBe(40);
    expect(slow.received).toHaveLength(40);
    expect(new Set(slow.received.map((m) => m.to))).toEqual(new Set(people.map((p) => p.email)));
    expect((await outbox()).every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
  });
});
