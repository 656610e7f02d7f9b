import { z } from 'zod';

/** The JSON documents the CLI prints, as far as these tests read them. */

export const operationJson = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: z.string(),
  total: z.number(),
  processed: z.number(),
  counts: z.object({ change: z.number(), skip: z.number(), blocked: z.number(), failed: z.number() }),
  actor: z.object({ email: z.string() }),
  createdAt: z.string(),
});

export const previewJson = z.object({
  total: z.number(),
  counts: z.object({ change: z.number(), skip: z.number(), blocked: z.number() }),
  reasons: z.record(z.string(), z.number()),
  samples: z.record(
    z.string(),
    z.array(z.object({ userId: z.uuid(), email: z.string(), outcome: z.string() })),
  ),
  becomeAdministrators: z.number(),
});

export const appliedJson = z.object({ preview: previewJson, operation: operationJson });

export const dryRunJson = z.object({
  dryRun: z.literal(true),
  operation: z.object({ kind: z.string() }).loose(),
  selection: z.union([
    z.object({ ids: z.array(z.uuid()) }),
    z.object({ filter: z.record(z.string(), z.unknown()), expectedCount: z.number() }),
  ]),
  preview: previewJson,
});

export const resultsJson = z.object({
  operation: operationJson,
  items: z.array(
    z.object({
      userId: z.uuid(),
      email: z.string(),
      outcome: z.enum(['change', 'skip', 'blocked', 'failed']),
      reason: z.string().nullable(),
      sentence: z.string().nullable(),
    }),
  ),
});

export const errorJson = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
