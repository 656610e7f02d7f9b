/**
 * SQLSTATEs after which the same transaction, started again, can succeed: serialization failures,
 * deadlocks, the server shutting the session down (`pg_terminate_backend`, a restart, a failover)
 * and every connection exception (class 08).
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03']);

/** What postgres.js and Node's sockets call a connection that is gone or cannot be made. */
const TRANSIENT_DRIVER_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

function codeOf(error: object): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Whether an error (or one it wraps: drizzle puts the driver's error in `cause`) is one that passes:
 * the database was unreachable for a moment or chose this transaction to give way. Such a
 * transaction rolled back, so running it again is safe.
 */
export function isTransientDbError(error: unknown): boolean {
  return hasCode(
    error,
    (code) => TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || TRANSIENT_DRIVER_CODES.has(code),
  );
}

/** Whether the error, or one it wraps (drizzle puts the driver's error in `cause`), has such a code. */
function hasCode(error: unknown, matches: (code: string) => boolean): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Object && depth < 5; depth++) {
    const code = codeOf(e);
    if (code && matches(code)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/** A deadlock broken, or a serialization conflict: the transaction certainly rolled back. */
const CONFLICT_SQLSTATES = new Set(['40001', '40P01']);

/**
 * Whether PostgreSQL rolled the transaction back to settle a conflict with another one (a deadlock,
 * a serialization failure). Unlike a connection lost (`isTransientDbError`), which may have come
 * after the commit, the work certainly left nothing: running it again from the start is safe even
 * when it is not idempotent.
 */
export function isConflictRollback(error: unknown): boolean {
  return hasCode(error, (code) => CONFLICT_SQLSTATES.has(code));
}
