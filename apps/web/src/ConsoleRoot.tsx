import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { createApiClient, createQueryClient, TRPCProvider } from './lib/trpc';

/**
 * The console: its data layer (TanStack Query over the tRPC client) and its router around every
 * page but the invitation (invite.html, main.tsx's sibling).
 */
export function ConsoleRoot() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createApiClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
