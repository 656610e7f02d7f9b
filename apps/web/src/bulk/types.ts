import type { RouterOutputs } from '@roster/api';

/** A bulk operation as `bulk.execute`, `bulk.get` and `bulk.list` return it. */
export type BulkOperationView = RouterOutputs['bulk']['get'];

/** One user's result as `bulk.results` returns it. */
export type BulkResultRow = RouterOutputs['bulk']['results']['items'][number];

/** What reverting an operation would do (`bulk.previewRevert`). */
export type RevertPreview = RouterOutputs['bulk']['previewRevert'];
