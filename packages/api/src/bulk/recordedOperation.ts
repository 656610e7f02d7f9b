/**
 * What recording an operation did: its id, and how many users (or rows) it queued, or `null` when it
 * had been recorded already under this id (a retried request: nothing new runs).
 */
export type RecordedOperation = { id: string; queued: number | null };
