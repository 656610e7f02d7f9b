import { bulkOperations } from '@roster/db';
import {
  bulkExecuteInputSchema,
  bulkFinishedSinceInputSchema,
  bulkListInputSchema,
  bulkPreviewInputSchema,
  bulkResultsInputSchema,
  DomainError,
  finishedOperationsSchema,
  followUpInputSchema,
  operationActorsSchema,
  operationByIdInputSchema,
  operationPageSchema,
  operationPreviewSchema,
  operationViewSchema,
  resultPageSchema,
} from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { and, eq, inArray } from 'drizzle-orm';
import { finishedSince, listOperationActors, listOperations } from '../bulk/listOperations';
import { getOperation } from '../bulk/operationView';
import { previewBulkOperation, previewRevert } from '../bulk/previewBulkOperation';
import { listResults } from '../bulk/results';
import { dropRemainingBatches } from '../bulk/selectionBatches';
import { recordBulkOperation } from '../bulk/startBulkOperation';
import { recordFollowUpOperation } from '../bulk/startFollowUpOperation';
import { startOperation } from '../runner/startOperation';
import { adminProcedure } from '../trpc';

const byId = operationByIdInputSchema;

/** Revert and retry: a new operation made from a finished one, started as every operation is. */
const followUpProcedure = (mode: 'revert' | 'retry') =>
  adminProcedure
    .input(followUpInputSchema)
    .output(operationViewSchema)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return startOperation(ctx.db, ctx.config, now, () =>
        recordFollowUpOperation(ctx.db, mode, input, ctx.actor.userId, now, ctx.config),
      );
    });

export const bulkRouter = {
  /** A mutation because selections are large (POST body), though it writes nothing. */
  preview: adminProcedure
    .input(bulkPreviewInputSchema)
    .output(operationPreviewSchema)
    .mutation(({ ctx, input }) =>
      previewBulkOperation(ctx.db, input, ctx.actor.userId, ctx.now(), ctx.config),
    ),

  /** The UI's "Apply" (tRPC reserves `apply`). */
  execute: adminProcedure
    .input(bulkExecuteInputSchema)
    .output(operationViewSchema)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return startOperation(ctx.db, ctx.config, now, () =>
        recordBulkOperation(ctx.db, input, ctx.actor.userId, now, ctx.config),
      );
    }),

  /** What a revert would do to each user the operation changed: counts, reasons and samples. */
  previewRevert: adminProcedure
    .input(byId)
    .output(operationPreviewSchema)
    .query(({ ctx, input }) => previewRevert(ctx.db, input.id, ctx.actor.userId, ctx.now(), ctx.config)),

  /** Gives back what a finished operation changed, as a new operation (`changed_since` for users changed again). */
  revert: followUpProcedure('revert'),

  /** Runs the failed users of a finished operation again, as a new operation with the same parameters. */
  retry: followUpProcedure('retry'),

  get: adminProcedure
    .input(byId)
    .output(operationViewSchema)
    .query(({ ctx, input }) => getOperation(ctx.db, input.id)),

  results: adminProcedure
    .input(bulkResultsInputSchema)
    .output(resultPageSchema)
    .query(({ ctx, input }) => listResults(ctx.db, input)),

  list: adminProcedure
    .input(bulkListInputSchema)
    .output(operationPageSchema)
    .query(({ ctx, input }) => listOperations(ctx.db, input)),

  /** Who started operations: the choices of the history's "Started by" filter. */
  actors: adminProcedure.output(operationActorsSchema).query(({ ctx }) => listOperationActors(ctx.db)),

  /**
   * The caller's operations that finished since the last ask (the web app asks every
   * FINISHED_POLL_MS, wherever the administrator is); asked from a session, it records that its
   * administrator is in the app (an away one is told by e-mail).
   */
  finishedSince: adminProcedure
    .input(bulkFinishedSinceInputSchema)
    .output(finishedOperationsSchema)
    .query(({ ctx, input }) =>
      finishedSince(
        ctx.db,
        {
          userId: ctx.actor.userId,
          sessionId: ctx.actor.via.kind === 'session' ? ctx.actor.via.sessionId : null,
        },
        input.since,
        ctx.now(),
      ),
    ),

  /**
   * Stops a queued or running operation between batches (what was done stays done and audited), or
   * an import still receiving its rows.
   */
  cancel: adminProcedure
    .input(byId)
    .output(operationViewSchema)
    .mutation(async ({ ctx, input }) => {
      const updated = await ctx.db
        .update(bulkOperations)
        .set({ cancelRequested: true })
        .where(
          and(
            eq(bulkOperations.id, input.id),
            inArray(bulkOperations.status, ['receiving', 'queued', 'running']),
          ),
        )
        .returning({ id: bulkOperations.id });
      if (updated.length === 0) {
        await getOperation(ctx.db, input.id);
        throw new DomainError('operation_finished');
      }
      // An operation nobody runs yet is cancelled at once, and its batches dropped (a retry's users
      // are given back to the operation it retried).
      const cancelledAtOnce = await ctx.db
        .update(bulkOperations)
        .set({ status: 'cancelled', finishedAt: ctx.now() })
        .where(and(eq(bulkOperations.id, input.id), inArray(bulkOperations.status, ['receiving', 'queued'])))
        .returning({ id: bulkOperations.id });
      if (cancelledAtOnce.length > 0) await dropRemainingBatches(ctx.db, input.id);
      return getOperation(ctx.db, input.id);
    }),
} satisfies TRPCRouterRecord;
