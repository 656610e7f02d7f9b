import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AcceptInvitationPage } from './invitations/AcceptInvitationPage';
import '@fontsource-variable/inter';
import './index.css';

/**
 * `/invite/<token>` (invite.html, issue 19 item 15): an invitee opens their link, often on a phone,
 * and downloads React, this page and a plain tRPC client — none of the console (its router, data
 * layer and pages: index.html). It parses nothing with zod, so it needs no `strictCsp`.
 */
const token = /^\/invite\/([^/]*)/.exec(window.location.pathname)?.[1] ?? '';

const container = document.getElementById('root');
if (!container) throw new Error('invite.html has no #root');
createRoot(container).render(
  <StrictMode>
    <AcceptInvitationPage token={token} />
  </StrictMode>,
);
