/**
 * An error as one line people can read, root cause first (drivers wrap it in a message that repeats
 * the whole query), short enough to store beside what failed.
 */
export function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 1000);
}
