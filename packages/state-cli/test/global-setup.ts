import { existsSync, statSync } from 'node:fs';
import { sharedRedis } from '@pforge/test-redis';
import type { TestProject } from 'vitest/node';

const redis = sharedRedis();

/** Checks the built bin is there (the tests spawn it) and starts one redis-server for every file. */
export async function setup(project: TestProject): Promise<void> {
  const bin = new URL('../dist/cli.js', import.meta.url);
  const src = new URL('../src/', import.meta.url);
  if (!existsSync(bin))
    throw new Error('dist/cli.js is missing: run `pnpm --filter @pforge/state-cli build` first');
  if (statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    console.warn(
      '[state-cli tests] dist/cli.js is older than src/: the process tests run the old build',
    );
  }
  await redis.setup(project);
}

export const teardown = redis.teardown;
