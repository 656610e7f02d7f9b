import type { Db } from '@roster/db';
import { getOperation } from '../bulk/operationView';
import type { RecordedOperation } from '../bulk/recordedOperation';
import type { ApiConfig } from '../config';
import { runInsideRequestWhenSmall } from './runOperation';

/**
 * The one way an operation starts, whichever recorded it (Apply, a revert or retry, an import's
 * commit): idempotency, validation and the snapshot of its selection are the recorder's, in its own
 * transaction; then the operation runs inside the request when it is small, else a worker takes it;
 * the answer is the operation as it stands.
 */
export async function startOperation(
  db: Db,
  config: ApiConfig,
  now: Date,
  record: () => Promise<RecordedOperation>,
) {
  const recorded = await record();
  if (recorded.queued !== null) {
    await runInsideRequestWhenSmall(db, config, now, recorded.id, recorded.queued);
  }
  return getOperation(db, recorded.id);
}
