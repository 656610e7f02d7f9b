import { DomainError, retryAfterSeconds } from '@roster/domain';
import type { TRPCError } from '@trpc/server';

/**
 * The `Retry-After` value (seconds) of an answer whose calls were refused for a while — a throttled
 * sign-in or invitation acceptance — the longest of their waits; undefined when none was.
 */
export function retryAfterHeader(errors: readonly TRPCError[]): string | undefined {
  const waits = errors.flatMap((error) =>
    error.cause instanceof DomainError && error.cause.retryAfterMs !== undefined
      ? [retryAfterSeconds(error.cause.retryAfterMs)]
      : [],
  );
  return waits.length ? String(Math.max(...waits)) : undefined;
}
