import { z } from 'zod';
import { OUTCOMES } from '../catalog';
import { storable } from '../text';
import { selectionSchema } from '../users';
import { bulkOperationSchema } from './operations';

/** The largest position a result can have (PostgreSQL's `integer`). */
const MAX_POSITION = 2_147_483_647;

/** Sent by tRPC's infinite queries; pages only go forward. */
const pageDirection = z.enum(['forward', 'backward']).optional();

/** One operation, by id (`bulk.get`, `bulk.cancel`, `bulk.previewRevert`). */
export const operationByIdInputSchema = z.object({ id: z.uuid() }).strict();

/** `bulk.preview`: what an operation would do to a selection. */
export const bulkPreviewInputSchema = z
  .object({ operation: bulkOperationSchema, selection: selectionSchema })
  .strict();

/** `bulk.execute` (the UI's "Apply"): idempotent on the client-generated `operationId`. */
export const bulkExecuteInputSchema = z
  .object({
    operationId: z.uuid(),
    operation: bulkOperationSchema,
    selection: selectionSchema,
    confirmPrivileged: z.boolean().optional(),
  })
  .strict();
export type BulkExecuteInput = z.infer<typeof bulkExecuteInputSchema>;

/** `bulk.revert` and `bulk.retry`: a new operation (idempotent on `operationId`) that follows `id`. */
export const followUpInputSchema = z
  .object({
    /** The client-generated id of the new operation (its idempotency key). */
    operationId: z.uuid(),
    /** The finished operation to revert, or whose failed users to retry. */
    id: z.uuid(),
    confirmPrivileged: z.boolean().optional(),
  })
  .strict();
export type FollowUpInput = z.infer<typeof followUpInputSchema>;

/** `bulk.list`: the operations, newest first. */
export const bulkListInputSchema = z
  .object({
    /** `<createdAt ISO>|<id>` of the last operation of the previous page. */
    cursor: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(200).optional(),
    direction: pageDirection,
  })
  .strict()
  .optional();

/** `bulk.results`: one page of an operation's per-user results, of an outcome or a reason. */
export const bulkResultsInputSchema = z
  .object({
    id: z.uuid(),
    outcome: z.enum(OUTCOMES).optional(),
    reason: storable(z.string().max(50)).optional(),
    /** The position after which the page starts (from `nextCursor`). */
    cursor: z.number().int().min(0).max(MAX_POSITION).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    direction: pageDirection,
  })
  .strict();
export type BulkResultsInput = z.infer<typeof bulkResultsInputSchema>;
