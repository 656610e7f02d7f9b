import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = `http://localhost:${process.env.PORT ?? 3000}`;

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/trpc': api, '/api': api },
  },
  build: {
    // Source maps for whoever debugs a build, never referenced by the files a browser downloads (the
    // server does not serve them either).
    sourcemap: 'hidden',
    // dist/.vite/manifest.json: which chunks each page loads (scripts/checkBundleSize.mjs reads it).
    manifest: true,
  },
});
