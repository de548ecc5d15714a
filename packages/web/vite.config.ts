import { defineConfig } from 'vite';

// The service serves the built app at /app, on its own origin. For `vite` and `vite preview`, the API
// and the socket are passed on to a running service (CHAT_API, default http://127.0.0.1:3000).
const api = process.env.CHAT_API ?? 'http://127.0.0.1:3000';
const proxy = {
  '/api': api,
  '/socket.io': { target: api, ws: true },
};

export default defineConfig({
  base: '/app/',
  // Nothing inlined as a data: URL: every asset is a hashed file the strict CSP allows ('self').
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', assetsInlineLimit: 0 },
  server: { proxy },
  preview: { proxy },
});
