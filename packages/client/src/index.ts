import type { AppRouter } from '@roster/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { z } from 'zod';
import { rosterTransformer } from './transformer';

export type { AppRouter, RouterInputs, RouterOutputs } from '@roster/api';
/** The domain's words, as the API takes and returns them (SPEC §6): operations, selections, filters, outcomes. */
export type {
  BlockedReason,
  BulkOperation,
  BulkOperationKind,
  BulkOperationKindOf,
  BulkOperationStatus,
  Change,
  DomainErrorCode,
  Module,
  Outcome,
  Reason,
  Right,
  Selection,
  SkipReason,
  UserSort,
  UserStatus,
  UsersExportInput,
  UsersFilter,
  UsersListInput,
} from '@roster/domain';

export type RosterClientOptions = {
  /** The Roster server, e.g. `http://localhost:3000` (the API is served under `/trpc`). */
  url: string;
  /** An API token created in Admin › API tokens. */
  token: string;
  fetch?: typeof globalThis.fetch;
};

/** The typed tRPC client internal tools use; the same router and transformer as the web app. */
export function createRosterClient(options: RosterClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.url.replace(/\/$/, '')}/trpc`,
        transformer: rosterTransformer,
        // The server refuses batches of more than 10 calls and URLs longer than 8 KiB.
        maxItems: 10,
        maxURLLength: 8_000,
        headers: () => ({ authorization: `Bearer ${options.token}` }),
        fetch: options.fetch,
      }),
    ],
  });
}

export type RosterClient = ReturnType<typeof createRosterClient>;

const issuesSchema = z.object({
  issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })),
});

/** The issues a refusal names in `data.issues` (a field's path and its sentence); none for any other error. */
export function rosterErrorIssues(error: unknown): { path: (string | number)[]; message: string }[] {
  if (!(error instanceof TRPCClientError)) return [];
  const parsed = issuesSchema.safeParse(error.data);
  return parsed.success ? parsed.data.issues : [];
}

export { type ApiTokenBySignInOptions, createApiTokenBySignIn } from './apiTokenBySignIn';
export { createdUserOf } from './createdUser';
export { rosterErrorCode } from './errorCode';
export { openUsersExport, RosterExportError } from './usersExport';
export { TRPCClientError };
