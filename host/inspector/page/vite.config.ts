import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The inspector page: `vite build` (npm run build) writes it to dist/inspector-page, which the
 * host serves. For work on the page, `npx vite host/inspector/page` serves it with hot reload and
 * forwards /ws to a host started with `romhost run SCENARIO --ui --port 4280`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../dist/inspector-page', import.meta.url)),
    emptyOutDir: true,
    // The page is served from 127.0.0.1 to this machine's browser: nothing to gain from a legacy build.
    target: 'es2022',
  },
  server: { proxy: { '/ws': { target: 'ws://127.0.0.1:4280', ws: true } } },
});
