import type { AppRouter } from '@roster/api';
import { rosterTransformer } from '@roster/client/transformer';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
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

export function createApiClient() {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: '/trpc',
        transformer: rosterTransformer,
        // The server refuses batches of more than 10 calls and URLs longer than 8 KiB.
        maxItems: 10,
        maxURLLength: 8_000,
        // The server refuses cookie-authenticated mutations without this header (CSRF).
        headers: () => ({ 'x-roster-csrf': '1' }),
      }),
    ],
  });
}

export { createdUserOf, rosterErrorCode as errorCode, rosterErrorIssues } from '@roster/client';
export { errorMessage } from './errorMessage';
