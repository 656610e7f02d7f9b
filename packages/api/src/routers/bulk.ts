import { bulkOperationSchema, selectionSchema } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { previewBulkOperation } from '../bulk/previewBulkOperation';
import { adminProcedure } from '../trpc';

export const bulkRouter = {
  /** A mutation because selections are large (POST body), though it writes nothing. */
  preview: adminProcedure
    .input(z.object({ operation: bulkOperationSchema, selection: selectionSchema }).strict())
    .mutation(({ ctx, input }) =>
      previewBulkOperation(ctx.db, input, ctx.actor.userId, ctx.now(), ctx.config),
    ),
} satisfies TRPCRouterRecord;
