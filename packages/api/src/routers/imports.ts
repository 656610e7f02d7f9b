import { importCommitInputSchema, importPreviewInputSchema } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { recordImportCommit } from '../imports/commitImport';
import { previewImport } from '../imports/previewImport';
import { startOperation } from '../runner/startOperation';
import { adminProcedure } from '../trpc';

/** Bulk creation from a CSV file, parsed in the browser and sent in chunks (SPEC §3). */
export const importsRouter = {
  /**
   * The verdict on each row of a chunk, checked against the database; the rows are kept for the
   * commit (nothing is created before it).
   */
  preview: adminProcedure
    .input(importPreviewInputSchema)
    .mutation(({ ctx, input }) => previewImport(ctx.db, input, ctx.actor.userId, ctx.now())),

  /** The previewed file, created as one bulk operation with the admin's choices. */
  commit: adminProcedure.input(importCommitInputSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    return startOperation(ctx.db, ctx.config, now, () =>
      recordImportCommit(ctx.db, input, ctx.actor.userId, now, ctx.config),
    );
  }),
} satisfies TRPCRouterRecord;
