/**
 * A nudge, inside one process, that an operation was just queued: the process's bulk runner starts it
 * now instead of at its next poll. Only a hint (the queue itself is in the database): a nudge that
 * reaches no runner, or another process's queued operation, is found by the next poll.
 */
const wakeups = new EventTarget();

export function wakeBulkRunner(): void {
  wakeups.dispatchEvent(new Event('queued'));
}

export function onBulkQueued(listener: () => void): () => void {
  wakeups.addEventListener('queued', listener);
  return () => wakeups.removeEventListener('queued', listener);
}
