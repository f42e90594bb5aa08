import { defineConfig } from 'vitest/config';

// Runs every mutant file in parallel (they mostly sleep on TTLs). Used by mutants.test.ts.
export default defineConfig({
  test: {
    include: ['test/mutants/*.mutant.ts'],
    maxWorkers: 6,
    testTimeout: 30_000,
  },
});
