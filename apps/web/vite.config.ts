import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const api = `http://localhost:${process.env.PORT ?? 3000}`;

/**
 * What the dev server hands to the API server: every path it answers itself (the tRPC API, the CSV
 * downloads, SCIM for identity providers — the Provisioning page gives this server's URL — and the
 * health checks). Anything else is the web app's.
 */
export const SERVER_PATHS = ['/trpc', '/api', '/scim', '/healthz', '/readyz'] as const;

/**
 * The invitation page is a page of its own (invite.html: React, the page, a plain tRPC client, and
 * none of the console), as the server answers `/invite/<token>` with it; the dev server does the same.
 */
const invitationPage: Plugin = {
  name: 'roster-invitation-page',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url?.startsWith('/invite/')) req.url = '/invite.html';
      next();
    });
  },
};

const page = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  plugins: [react(), tailwindcss(), invitationPage],
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(SERVER_PATHS.map((path) => [path, api])),
  },
  build: {
    // Source maps for whoever debugs a build, never referenced by the files a browser downloads (the
    // server does not serve them either).
    sourcemap: 'hidden',
    // dist/.vite/manifest.json: which chunks each page loads (scripts/checkBundleSize.mjs reads it).
    manifest: true,
    rolldownOptions: { input: { console: page('index.html'), invitation: page('invite.html') } },
  },
});
