import { isTransientDbError } from '@roster/db';
import { DOMAIN_ERROR_CODES, DomainError } from '@roster/domain';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError } from 'zod';
import { shownIssues } from './trpc';

/** A refusal of a plain HTTP route (a CSV download), typed as the API's errors are. */
export type HttpRefusal = { status: number; code: string; trpcCode: string; message: string };

/**
 * The refusal a route answers for an error its work threw: a DomainError's code and status, an
 * input's issues (`invalid_input`, 400), or a database lost for now (`database_unavailable`, 503), as
 * the tRPC error formatter gives them. Null for anything else (a fault, not a refusal).
 */
export function httpRefusal(error: unknown): HttpRefusal | null {
  if (isTransientDbError(error)) return httpRefusal(new DomainError('database_unavailable'));
  if (error instanceof DomainError) {
    const trpcCode = DOMAIN_ERROR_CODES[error.code];
    const status = getHTTPStatusCodeFromError(new TRPCError({ code: trpcCode }));
    return { status, code: error.code, trpcCode, message: error.message };
  }
  if (error instanceof ZodError) {
    const message = shownIssues(error.issues)
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ` : '') + issue.message)
      .join('; ');
    return { status: 400, code: 'invalid_input', trpcCode: 'BAD_REQUEST', message };
  }
  return null;
}
