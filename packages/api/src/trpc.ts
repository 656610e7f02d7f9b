import { isTransientDbError } from '@roster/db';
import { DOMAIN_ERROR_CODES, DomainError } from '@roster/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import { ZodError, type z } from 'zod';
import type { Context } from './context';
import { serializeOutput } from './outputTransformer';

/**
 * The stable code a client reads in `error.data.code`: a domain code or a lower-cased tRPC code.
 * tRPC's own code name (`BAD_REQUEST`, …) travels beside it as `data.trpcCode`.
 */
export type ApiErrorCode = string;

type Issue = { path: PropertyKey[]; message: string };

/**
 * The issues to show for a refused input. A union (a selection is ids or a filter) refuses with
 * "Invalid input"; what the caller meant is the branch that came closest (the fewest issues), so its
 * own issues are shown, under the union's path.
 */
export function shownIssues(issues: readonly z.core.$ZodIssue[], at: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    const path = [...at, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
      if (closest.length > 0) return shownIssues(closest, path);
    }
    return [{ path, message: issue.message }];
  });
}

/**
 * superjson, reading a request's input in place: it was parsed from this request's body a moment ago
 * and nothing else holds it, so superjson's deep copy of it (100,000 objects per import of 100,000
 * rows) is not needed.
 */
const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (payload: Parameters<typeof superjson.deserialize>[0]) =>
      superjson.deserialize(payload, { inPlace: true }),
  },
  output: { serialize: serializeOutput, deserialize: superjson.deserialize.bind(superjson) },
};

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape: given, error: thrown }) {
    // A database connection lost before any procedure ran (the context reads the session) is as
    // typed a 503 as one lost inside a procedure (`domainErrors`).
    const unavailable = thrown.code === 'INTERNAL_SERVER_ERROR' && isTransientDbError(thrown.cause);
    const error = unavailable ? databaseUnavailableError() : thrown;
    const shape = unavailable
      ? {
          ...given,
          code: TRPC_ERROR_CODES_BY_KEY[error.code],
          data: { ...given.data, code: error.code, httpStatus: getHTTPStatusCodeFromError(error) },
        }
      : given;
    const cause = error.cause;
    // An input refused by its schema; an answer that does not fit its declared output (tRPC's
    // INTERNAL_SERVER_ERROR, also with a ZodError) is the server's fault, not the caller's input.
    const isValidation = cause instanceof ZodError && error.code === 'BAD_REQUEST';
    // A refusal about one input field (a new user's e-mail already taken) names it, as zod's issues do.
    const issues = isValidation
      ? shownIssues(cause.issues)
      : cause instanceof DomainError && cause.field
        ? [{ path: [cause.field], message: cause.message }]
        : undefined;
    const code: ApiErrorCode =
      cause instanceof DomainError ? cause.code : isValidation ? 'invalid_input' : error.code.toLowerCase();
    const message =
      error.code === 'INTERNAL_SERVER_ERROR'
        ? 'Something went wrong on the server. Nothing was changed; try again.'
        : unavailable
          ? error.message
          : isValidation && issues
            ? issues
                .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ` : '') + issue.message)
                .join('; ')
            : shape.message;
    return {
      ...shape,
      message,
      data: {
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        code,
        trpcCode: shape.data.code,
        issues: issues?.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

function databaseUnavailableError(): TRPCError {
  const cause = new DomainError('database_unavailable');
  return new TRPCError({ code: DOMAIN_ERROR_CODES[cause.code], message: cause.message, cause });
}

/**
 * Turns a DomainError into the tRPC error of its code, so every refusal is typed; a transient
 * database error (connection lost, serialization failure, …) becomes `database_unavailable` (503).
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isTransientDbError(result.error.cause)) throw databaseUnavailableError();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: DOMAIN_ERROR_CODES[cause.code], message: cause.message, cause });
  }
  return result;
});

/**
 * Mutations sent with the session cookie must carry the app's own header: browsers refuse to add it
 * to a cross-site request without a CORS preflight, which the server never grants.
 */
const csrf = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && !ctx.request.bearerToken && !ctx.request.hasCsrfHeader) {
    throw new DomainError('csrf');
  }
  return next();
});

export const publicProcedure = t.procedure.use(domainErrors).use(csrf);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) throw new DomainError('not_signed_in');
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.actor.isAdmin) throw new DomainError('not_admin');
  return next();
});
