import { z } from 'zod';
import { BULK_OPERATION_KINDS, BULK_OPERATION_STATUSES, OUTCOMES } from '../catalog';

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

/** `bulk.finishedSince`: the caller's operations finished in the window, and where the next one starts. */
export const finishedOperationsSchema = z.object({
  items: z.array(operationViewSchema),
  /** The server's time of this answer: the next call's `since`. */
  until: z.iso.datetime({ offset: true }),
});

/** `bulk.actors`: who started operations, for the history's "Started by" filter. */
export const operationActorsSchema = z.array(z.object({ id: z.uuid(), email: z.string(), name: z.string() }));

/** A user a preview shows for its group (`change`, `skip:<reason>`, `blocked:<reason>`). */
const previewSampleSchema = z.discriminatedUnion('outcome', [
  z.object({
    userId: z.uuid(),
    email: z.string(),
    outcome: z.literal('change'),
    /** The fields the change touches, before and after (the domain's `Change`). */
    before: z.unknown(),
    after: z.unknown(),
  }),
  z.object({ userId: z.uuid(), email: z.string(), outcome: z.enum(['skip', 'blocked']), reason: z.string() }),
]);
export type PreviewSample = z.infer<typeof previewSampleSchema>;

/**
 * `bulk.preview` and `bulk.previewRevert` (SPEC §6): counts per outcome and reason, a few users per
 * group, and what the operation does to roles (the administrators gained and lost: what Apply asks
 * to confirm, and every from → to).
 */
export const operationPreviewSchema = z.object({
  total: z.number().int(),
  counts: z.object({ change: z.number().int(), skip: z.number().int(), blocked: z.number().int() }),
  reasons: z.record(z.string(), z.number().int()),
  samples: z.record(z.string(), z.array(previewSampleSchema)),
  becomeAdministrators: z.number().int(),
  loseAdministratorRole: z.number().int(),
  roleChanges: z.array(z.object({ fromRoleId: z.string(), toRoleId: z.string(), count: z.number().int() })),
});

/** `bulk.results` (SPEC §6): one page of an operation's per-user results, in selection order. */
export const resultPageSchema = z.object({
  items: z.array(
    z.object({
      /** The user's place in the selection; for an import, the line of the file. */
      position: z.number().int(),
      /** Empty for an import's row that created nobody. */
      userId: z.string(),
      email: z.string(),
      name: z.string(),
      outcome: z.enum(OUTCOMES),
      reason: z.string().nullable(),
      /** The reason as a sentence. */
      sentence: z.string().nullable(),
      before: z.unknown(),
      after: z.unknown(),
    }),
  ),
  /** The position of the page's last result; null on the last page. */
  nextCursor: z.number().int().nullable(),
});
