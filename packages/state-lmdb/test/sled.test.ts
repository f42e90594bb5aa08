import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStateManager, registerBackend, stateInfo } from '@pforge/state-core';
import { afterAll, describe, expect, it } from 'vitest';
import { lmdbBackend } from '../src/index.js';

const unregister = registerBackend(lmdbBackend);
const dir = await mkdtemp(join(tmpdir(), 'pforge-sled-'));
afterAll(async () => {
  unregister();
  await rm(dir, { recursive: true, force: true });
});

describe('backend: sled (the Rust runtime) is an alias LMDB declares', () => {
  it('opens LMDB at the same path, drops sled-only options and says so', async () => {
    const notices: string[] = [];
    const state = await createStateManager(
      { backend: 'sled', path: join(dir, 'db'), cache_capacity: 1_000_000, flush_every_ms: 5 },
      { onNotice: (m) => notices.push(m) },
    );
    try {
      expect(stateInfo(state)?.backend).toBe('lmdb');
      await state.set('k', new TextEncoder().encode('v'));
      expect(await state.exists('k')).toBe(true);
    } finally {
      await state.close();
    }
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /backend: sled.*LMDB.*`path`.*not read.*cache_capacity, flush_every_ms/s,
    );
  });

  it('a sled option LMDB does not know and sled does not either is still an error', async () => {
    await expect(
      createStateManager(
        { backend: 'sled', path: join(dir, 'db2'), cahce_size: 1 },
        { onNotice: () => {} },
      ),
    ).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining('cache_size'),
    });
  });
});
