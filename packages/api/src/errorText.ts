/**
 * An error as one line people can read, root cause first (drivers wrap it in a message that repeats
 * the whole query), short enough to store beside what failed.
 */
export function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 1000);
}

/**
 * What a person is told when an operation stops on an error nobody foresaw: a sentence and the
 * operation's id to quote, never the database's words (they may hold SQL and data). The detail goes
 * to the server's log (`logUnexpectedError`).
 */
export function unexpectedErrorSentence(operationId: string): string {
  return `An unexpected error stopped this operation. Its details are in the server log under operation ${operationId}.`;
}

/** One JSON line on the server's standard error: the operation, the error's message and code, no parameters. */
export function logUnexpectedError(operationId: string, error: unknown): void {
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
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
