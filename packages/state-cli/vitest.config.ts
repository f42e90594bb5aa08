import { defineConfig } from 'vitest/config';

// Tests spawn the built bin and real redis-server / LMDB stores; one redis-server is shared by
// every file (test/global-setup.ts). Leave room on a loaded machine.
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
