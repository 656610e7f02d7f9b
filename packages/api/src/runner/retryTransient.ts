import { isTransientDbError } from '@roster/db';

/**
 * Runs `attempt` again after each wait of `delaysMs` while it fails on a transient database error
 * (`isTransientDbError`); any other error, or a transient one after the last wait, is thrown. Only
 * for work that rolls back whole when it fails: one transaction, or a read.
 */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  delaysMs: readonly number[],
  onRetry?: (error: unknown, attemptNo: number) => void,
): Promise<T> {
  for (let tried = 0; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = delaysMs[tried];
      if (delay === undefined || !isTransientDbError(error)) throw error;
      onRetry?.(error, tried + 1);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
