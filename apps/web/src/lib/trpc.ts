import type { AppRouter } from '@roster/api';
import { rosterTransformer } from '@roster/client/transformer';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failures, error) =>
          !(error instanceof TRPCClientError && error.data?.httpStatus < 500) && failures < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

/**
 * Calls that go in a request of their own, never in a batch: a batch is answered once its every call
 * is, so a view's rows asked for beside its count waited for the count (the slower of the two on a
 * large tenant). The list shows its rows as they come and says "Counting…" until the count does.
 */
const UNBATCHED_PATHS: ReadonlySet<string> = new Set(['users.count']);

export function createApiClient() {
  const http = {
    url: '/trpc',
    transformer: rosterTransformer,
    // The server refuses cookie-authenticated mutations without this header (CSRF).
    headers: () => ({ 'x-roster-csrf': '1' }),
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => UNBATCHED_PATHS.has(op.path),
        true: httpLink(http),
        // The server refuses batches of more than 10 calls and URLs longer than 8 KiB.
        false: httpBatchLink({ ...http, maxItems: 10, maxURLLength: 8_000 }),
      }),
    ],
  });
}

export { createdUserOf, rosterErrorCode as errorCode, rosterErrorIssues } from '@roster/client';
export { errorMessage } from './errorMessage';
