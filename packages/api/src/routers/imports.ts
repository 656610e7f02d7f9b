import { importCommitInputSchema, importPreviewInputSchema } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { commitImportPart } from '../imports/commitImportPart';
import { previewImport } from '../imports/previewImport';
import { adminProcedure } from '../trpc';

/** Bulk creation from a CSV file, parsed in the browser and sent in chunks (SPEC §3). */
export const importsRouter = {
  /** The verdict on each row of a chunk, checked against the database; writes nothing. */
  preview: adminProcedure
    .input(importPreviewInputSchema)
    .mutation(({ ctx, input }) => previewImport(ctx.db, input)),

  /** One part of the file; the import runs as a bulk operation once every row has arrived. */
  commit: adminProcedure
    .input(importCommitInputSchema)
    .mutation(({ ctx, input }) => commitImportPart(ctx.db, input, ctx.actor.userId, ctx.now(), ctx.config)),
} satisfies TRPCRouterRecord;
