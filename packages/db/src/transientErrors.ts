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
  for (let e: unknown = error, depth = 0; e instanceof Object && depth < 5; depth++) {
    const code = codeOf(e);
    if (code && (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || TRANSIENT_DRIVER_CODES.has(code)))
      return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
