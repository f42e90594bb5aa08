import { inspectState, stateInfo } from '@pforge/state-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbState } from '../src/index.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('inspection for operators', () => {
  it('stateInfo names the backend, package, namespace, and that calls settle locally', async () => {
    await using s = await createLmdbState({ path: tempDir('info'), namespace: 'ops' });
    expect(stateInfo(s)).toEqual({
      backend: 'lmdb',
      source: '@pforge/state-lmdb',
      namespace: 'ops',
      settlesLocally: true,
    });
  });

  it('inspectState resolves exactly the documented figures of the directory', async () => {
    const mapSize = 64 * 1024 * 1024;
    await using s = await createLmdbState({
      path: tempDir('inspect'),
      durability: 'sync',
      mapSize,
      sweepIntervalMs: 0,
    });
    const empty = (await inspectState(s)).details;
    expect(Object.keys(empty).sort()).toEqual(
      [
        'durability',
        'expiry_index_entries',
        'map_size_bytes',
        'map_used_bytes',
        'map_used_ratio',
        'path',
        'records',
      ].sort(),
    );
    expect(empty).toMatchObject({
      path: s.path,
      durability: 'sync',
      map_size_bytes: mapSize,
      records: 0,
      expiry_index_entries: 0,
    });
    await s.setMany(
      Array.from({ length: 500 }, (_, i) => ({
        key: `k${i}`,
        value: new Uint8Array(1000),
        ...(i < 100 ? { ttl: 600_000 } : {}),
      })),
    );
    const full = (await inspectState(s)).details;
    expect(full.records).toBe(500);
    expect(full.expiry_index_entries).toBe(100);
    // 500 values of 1 KB: at least 500 KB of pages in use, a small part of a 64 MiB map.
    expect(full.map_used_bytes).toBeGreaterThan(500_000);
    expect(full.map_used_bytes).toBeGreaterThan(empty.map_used_bytes as number);
    expect(full.map_used_ratio).toBeCloseTo((full.map_used_bytes as number) / mapSize, 10);
    expect(full.map_used_ratio).toBeGreaterThan(0);
    expect(full.map_used_ratio).toBeLessThan(1);
    for (const key of ['map_size_bytes', 'map_used_bytes', 'records', 'expiry_index_entries']) {
      expect(Number.isSafeInteger(full[key])).toBe(true);
    }
  });

  it('after close, inspectState rejects with ERR_STATE_CLOSED', async () => {
    const s = await createLmdbState({ path: tempDir('closed') });
    await s.close();
    await expect(inspectState(s)).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
  });
});
