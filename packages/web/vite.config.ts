import { defineConfig } from 'vite';

// Served by the service at /app (same origin as the API); built into dist/ by the root `npm run build`.
export default defineConfig({
  base: '/app/',
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets' },
});
