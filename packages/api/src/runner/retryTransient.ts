import { isTransientDbError } from '@roster/db';

/**
 * Runs `attempt` again after each wait of `delaysMs` while it fails on a transient database error
 * (`isTransientDbError`, or what `retryable` names); any other error, or a retryable one after the
 * last wait, is thrown. Only for work that rolls back whole when it fails: one transaction, or a read.
 */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  delaysMs: readonly number[],
  onRetry?: (error: unknown, attemptNo: number) => void,
  retryable: (error: unknown) => boolean = isTransientDbError,
): Promise<T> {
  for (let tried = 0; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = delaysMs[tried];
      if (delay === undefined || !retryable(error)) throw error;
      onRetry?.(error, tried + 1);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
