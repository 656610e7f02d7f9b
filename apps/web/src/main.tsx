import './lib/strictCsp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConsoleRoot } from './ConsoleRoot';
import '@fontsource-variable/inter';
import './index.css';

/** The console (index.html): every page but the invitation, which is invite.html of its own. */
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(
  <StrictMode>
    <ConsoleRoot />
  </StrictMode>,
);
