import type { AppRouter } from '@roster/api';
import { rosterTransformer } from '@roster/client/transformer';
import { createTRPCClient, httpLink } from '@trpc/client';

/**
 * The invitation page's own client (issue 19 item 15): a plain tRPC client, the console's router
 * and transformer, without TanStack Query, so that an invitee opening their link on a phone
 * downloads the page and React, not the console's data layer.
 */
export const invitationClient = createTRPCClient<AppRouter>({
  links: [
    httpLink({
      url: '/trpc',
      transformer: rosterTransformer,
      // The server refuses cookie-authenticated mutations without this header (CSRF).
      headers: () => ({ 'x-roster-csrf': '1' }),
    }),
  ],
});
