import { defineConfig } from 'vitest/config';

// The suites wait on real timers and servers rather than the CPU, so two files run at once;
// one redis-server and one Redis Cluster are shared by every file (test/global-setup.ts).
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
