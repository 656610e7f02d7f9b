import './lib/strictCsp';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { FullPageMessage } from './components/FullPageMessage';
import { Spinner } from './components/Spinner';
import '@fontsource-variable/inter';
import './index.css';

/**
 * Two ways in (issue 19 item 15). An invitee's link, `/invite/<token>`, opens the invitation page
 * alone: React, the page and a plain tRPC client, on a phone too. Every other path opens the console
 * (its router, data layer and pages), each page's code loaded when it is first shown.
 */
const invitationToken = /^\/invite\/([^/]+)\/?$/.exec(window.location.pathname)?.[1];

const Root =
  invitationToken === undefined
    ? lazy(() => import('./ConsoleRoot').then((m) => ({ default: m.ConsoleRoot })))
    : lazy(() =>
        import('./invitations/AcceptInvitationPage').then((m) => ({
          default: () => <m.AcceptInvitationPage token={invitationToken} />,
        })),
      );

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(
  <StrictMode>
    <Suspense
      fallback={
        <FullPageMessage>
          <Spinner label="Loading Roster…" />
        </FullPageMessage>
      }
    >
      <Root />
    </Suspense>
  </StrictMode>,
);
