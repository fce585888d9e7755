import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is served by the Latchkey server itself (src/http/console-static.ts), so it is
// built with absolute asset URLs under '/'. During `vite dev`, API calls go to a local server.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Mantine and React make one large vendor chunk; admin pages are split off with lazy().
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
