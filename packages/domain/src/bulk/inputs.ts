import { z } from 'zod';
import { BULK_OPERATION_KINDS, BULK_OPERATION_STATUSES, OUTCOMES } from '../catalog';
import { supportedInstantSchema } from '../instants';
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
export type BulkPreviewInput = z.infer<typeof bulkPreviewInputSchema>;

/** `bulk.execute` (the UI's "Apply"): idempotent on the client-generated `operationId`. */
export const bulkExecuteInputSchema = z
  .object({
    operationId: z.uuid(),
    operation: bulkOperationSchema,
    selection: selectionSchema,
    confirmPrivileged: z.boolean().optional(),
    /** The number of selected users the administrator typed, for an operation that asks for it (`countToConfirm`). */
    confirmCount: z.number().int().min(0).max(MAX_POSITION).optional(),
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

/** An instant sent as ISO 8601 text with its offset (a URL, a CLI option and JSON carry it alike). */
const instant = supportedInstantSchema;

/** The statuses the Operations history lists (a previewed import is an operation once committed). */
export const LISTED_OPERATION_STATUSES = BULK_OPERATION_STATUSES.filter((s) => s !== 'receiving');

/** What the Operations history can be narrowed to (issue 19 item 10); every field is optional. */
export const operationFiltersSchema = z
  .object({
    kind: z.enum(BULK_OPERATION_KINDS).optional(),
    /** The administrator (or SCIM token owner) who started the operations: a user id. */
    actor: z.uuid().optional(),
    status: z.enum(LISTED_OPERATION_STATUSES).optional(),
    /** Created at or after this instant. */
    createdFrom: instant.optional(),
    /** Created before this instant. */
    createdTo: instant.optional(),
  })
  .strict();
export type OperationFilters = z.infer<typeof operationFiltersSchema>;

/** `bulk.list`: the operations, newest first, narrowed by `operationFiltersSchema`. */
export const bulkListInputSchema = operationFiltersSchema
  .extend({
    /** `<createdAt ISO>|<id>` of the last operation of the previous page. */
    cursor: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(200).optional(),
    direction: pageDirection,
  })
  .strict()
  .optional();
export type BulkListInput = z.infer<typeof bulkListInputSchema>;

/**
 * `bulk.finishedSince`: the caller's own operations that finished after `since` (the `until` of the
 * previous answer); without it, none (the answer's `until` starts the watch).
 */
export const bulkFinishedSinceInputSchema = z.object({ since: instant.optional() }).strict();

/** `bulk.results`: one page of an operation's per-user results, of an outcome or a reason. */
export const bulkResultsInputSchema = z
  .object({
    id: z.uuid(),
    outcome: z.enum(OUTCOMES).optional(),
    reason: storable(z.string().max(50)).optional(),
    /** Part of the user's e-mail address or name (case-insensitive). */
    search: storable(z.string().trim().max(200)).optional(),
    /** The position after which the page starts (from `nextCursor`). */
    cursor: z.number().int().min(0).max(MAX_POSITION).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    direction: pageDirection,
  })
  .strict();
export type BulkResultsInput = z.infer<typeof bulkResultsInputSchema>;
