/** How e-mails leave the outbox: nodemailer's SMTP connection URL and the sender address. */
export type SmtpConfig = {
  /** `smtp://user:pass@host:port` or `smtps://…`; TLS options as `?tls.rejectUnauthorized=false`. */
  url: string;
  from: string;
};

export type ApiConfig = {
  /** Where people open the web app; invitation links start with it. */
  publicUrl: string;
  /** The name of the platform people are invited to, in e-mails and on the acceptance page. */
  platformName: string;
  sessionTtlDays: number;
  invitationTtlDays: number;
  /** A worker holds a running bulk operation this long without progress; then another takes over. */
  bulkLeaseMs: number;
  /**
   * How many batches of one operation run at once, each in a transaction (and a pool connection) of
   * its own. The server's default is one (`ROSTER_BULK_LANES`): with PostgreSQL on the server's two
   * cores, a second lane bought ~20 % of wall time for ~30 % more CPU; the embedded database has one
   * connection, so it takes 1.
   */
  bulkConcurrency: number;
  /** Users per batch; unset, each operation's own size (`batchSizeFor`). Tests set small ones. */
  bulkBatchSize?: number | undefined;
  /**
   * How long one transaction of a bulk operation may hold the database, on the embedded one: PGlite
   * has a single connection and runs every statement in the server's own thread, so no other request
   * is answered while a transaction runs. Each batch is then processed in slices sized to take about
   * this long, the other requests answered between two slices. Null (PostgreSQL, where requests have
   * connections of their own): a batch is one transaction, the fastest way through.
   */
  bulkSliceTargetMs: number | null;
  /**
   * The waits before each new attempt of a batch that failed on a transient database error (connection
   * lost, serialization failure, deadlock, shutdown): its transaction rolled back, so it is run again.
   * When every attempt failed, the error stops the operation.
   */
  bulkTransientRetryDelaysMs: readonly number[];
  /** Null: e-mails stay in the outbox as `captured`, readable by administrators (SPEC §4). */
  smtp: SmtpConfig | null;
  /** Users an identity provider creates through SCIM are invited at once (`invited`), else `created`. */
  scimInviteOnCreate: boolean;
  /** Delivery attempts of one e-mail before it is `failed`. */
  mailMaxAttempts: number;
  /** The wait after the first failed attempt; it doubles after each further failure. */
  mailRetryBaseMs: number;
};

export const defaultApiConfig: ApiConfig = {
  publicUrl: 'http://localhost:3000',
  platformName: 'Roster',
  sessionTtlDays: 14,
  invitationTtlDays: 7,
  bulkLeaseMs: 30_000,
  bulkConcurrency: 1,
  bulkSliceTargetMs: null,
  // Six attempts over ~30 s: a restart or failover passes; an error that outlasts it is not transient.
  bulkTransientRetryDelaysMs: [500, 2_000, 5_000, 10_000, 12_500],
  smtp: null,
  scimInviteOnCreate: false,
  mailMaxAttempts: 5,
  mailRetryBaseMs: 30_000,
};
