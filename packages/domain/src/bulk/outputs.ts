import { z } from 'zod';
import { BULK_OPERATION_KINDS, BULK_OPERATION_STATUSES } from '../catalog';

/**
 * An operation as every bulk procedure returns it (SPEC §6: `bulk.execute`, `bulk.get`, the items of
 * `bulk.list`, `bulk.revert`, `bulk.retry`, `bulk.cancel`): the procedures declare it as their output,
 * so a field renamed or dropped fails loudly instead of breaking a tool.
 */
export const operationViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(BULK_OPERATION_KINDS),
  status: z.enum(BULK_OPERATION_STATUSES),
  /** The operation's parameters as recorded (an import's file facts, a revert's operation id). */
  params: z.unknown(),
  /** The selection as recorded: ids as their count and digest, or the filter. */
  selection: z.unknown(),
  total: z.number().int(),
  processed: z.number().int(),
  counts: z.object({
    change: z.number().int(),
    skip: z.number().int(),
    blocked: z.number().int(),
    failed: z.number().int(),
  }),
  /** A sentence when the operation stopped on an unexpected error. */
  error: z.string().nullable(),
  /** The operation a revert or retry follows. */
  sourceOperationId: z.uuid().nullable(),
  actor: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type OperationView = z.infer<typeof operationViewSchema>;

/** `bulk.list`: a page of operations, newest first. */
export const operationPageSchema = z.object({
  items: z.array(operationViewSchema),
  nextCursor: z.string().nullable(),
});
