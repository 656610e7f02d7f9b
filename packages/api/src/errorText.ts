import { logSafeMessage } from './logSafeError';

/**
 * An error as one line people can read, root cause first (drivers wrap it in a message that repeats
 * the whole query), short enough to store beside what failed.
 */
export function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  // Never the query's parameters nor the value the database refused (logSafeMessage).
  return logSafeMessage(cause instanceof Error ? cause.message : String(cause)).slice(0, 1000);
}

/**
 * What a person is told when an operation stops on an error nobody foresaw: a sentence and the
 * operation's id to quote, never the database's words (they may hold SQL and data). The detail goes
 * to the server's log (`logUnexpectedError`).
 */
export function unexpectedErrorSentence(operationId: string): string {
  return `An unexpected error stopped this operation. Its details are in the server log under operation ${operationId}.`;
}

/** The error's code, or that of the driver's error it wraps (drizzle keeps it in `cause`). */
function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error) return String(error.code);
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error && 'code' in cause ? String(cause.code) : undefined;
}

/** One JSON line on the server's standard error: the operation, the error's message and code, no parameters. */
export function logUnexpectedError(operationId: string, error: unknown): void {
  const code = errorCode(error);
  console.error(
    JSON.stringify({
      level: 50,
      time: Date.now(),
      msg: 'bulk operation stopped on an unexpected error',
      operationId,
      error: errorText(error),
      ...(code ? { code } : {}),
    }),
  );
}

/** One JSON line when a batch is run again after a transient database error (message and code only). */
export function logTransientRetry(operationId: string, error: unknown, attempt: number): void {
  const code = errorCode(error);
  console.error(
    JSON.stringify({
      level: 40,
      time: Date.now(),
      msg: 'bulk batch failed on a transient database error; running it again',
      operationId,
      attempt,
      error: errorText(error),
      ...(code ? { code } : {}),
    }),
  );
}
