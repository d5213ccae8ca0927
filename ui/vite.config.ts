import react from '@vitejs/plugin-react';
import { availableParallelism } from 'node:os';

import { defineConfig } from 'vitest/config';

// The app is served from ui/dist by the Tauri shell (frontendDist: ../ui/dist) under a
// strict CSP: everything is bundled, nothing is loaded from the network.
export default defineConfig({
  plugins: [react()],
  // Relative asset URLs work both from Tauri's custom protocol and from a static server.
  base: './',
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK (the Linux webview) is Safari-like: stay with widely supported syntax.
    target: ['es2020', 'safari14'],
    // elkjs is one large, self-contained module; it is expected to be big.
    chunkSizeWarningLimit: 2500,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'tools/**/*.test.ts'],
    css: false,
    // A worker per core: vitest leaves one core to itself by default, which on a 2-core
    // CI machine means one worker and twice the wall time.
    maxWorkers: availableParallelism(),
  },
});
