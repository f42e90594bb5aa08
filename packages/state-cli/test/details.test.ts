import { inspectState } from '@pforge/state-core';
import { createLmdbState } from '@pforge/state-lmdb';
import { skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { describe, expect, it } from 'vitest';
import { freshNamespace, makeTarget, run, tempDir, using, writeConfig } from './helpers.js';

// Backend figures come from each backend's inspection (core's inspectState). These tests
// name the figures the backends publish; the CLI prints whatever a backend gives.

type Checks = { checks: { name: string; status: string; message: string }[] };
const warnings = (out: Checks) => out.checks.filter((c) => c.status === 'warn').map((c) => c.name);

describe('LMDB figures', () => {
  it('inspect prints the map, records and expiry index', async () => {
    const dir = tempDir();
    const target = makeTarget('lmdb', dir);
    writeConfig(dir, 'pforge.yaml', target.block);
    await using(target.open, (s) => s.set('a', new Uint8Array(10), { ttl: 60_000 }));
    const out = JSON.parse((await run(['inspect', '--json'], { cwd: dir })).stdout);
    expect(out.details).toMatchObject({
      path: target.block.path,
      durability: 'overlapped',
      map_size_bytes: expect.any(Number),
      map_used_bytes: expect.any(Number),
      map_used_ratio: expect.any(Number),
      records: expect.any(Number),
      expiry_index_entries: expect.any(Number),
    });
    const human = (await run(['inspect'], { cwd: dir })).stdout;
    expect(human).toMatch(/^ {2}map_used_ratio +[\d.]+$/m);
  });

  it('doctor warns when the map is 80% used or more', async () => {
    const dir = tempDir();
    const path = `${dir}/small`;
    const namespace = freshNamespace();
    const mapSize = 1024 * 1024;
    writeConfig(dir, 'pforge.yaml', { backend: 'lmdb', path, namespace, map_size: mapSize });
    const quiet = JSON.parse((await run(['doctor', '--json'], { cwd: dir })).stdout);
    expect(warnings(quiet)).toEqual([]);
    // Fill the 1 MiB map until the backend itself reports 80% or more.
    let ratio = 0;
    await using(
      () => createLmdbState({ path, namespace, mapSize }),
      async (s) => {
        for (let i = 0; i < 400 && ratio < 0.8; i++) {
          await s.set(`fill:${i}`, new Uint8Array(2000).fill(i));
          ratio = Number((await inspectState(s)).details.map_used_ratio ?? 0);
        }
      },
    );
    expect(ratio).toBeGreaterThanOrEqual(0.8);
    const full = JSON.parse((await run(['doctor', '--json'], { cwd: dir })).stdout);
    expect(warnings(full)).toEqual(['lmdb map']);
  });

  it('doctor warns on `backend: sled` (the factory opens LMDB at its path)', async () => {
    const dir = tempDir();
    writeConfig(dir, 'pforge.yaml', { backend: 'sled', path: './db', cache_capacity: 5 });
    const r = await run(['doctor', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(warnings(JSON.parse(r.stdout))).toContain('config');
    expect(r.stderr).toContain('"notice"');
  });
});

describe.skipIf(skipWithoutRedis())('Redis figures', () => {
  it('inspect prints mode, version, memory, persistence and pool size; doctor warns without persistence', async () => {
    const dir = tempDir();
    writeConfig(dir, 'pforge.yaml', makeTarget('redis', dir).block);
    const out = JSON.parse((await run(['inspect', '--json'], { cwd: dir })).stdout);
    expect(out.details).toMatchObject({
      mode: 'standalone',
      redis_version: expect.stringMatching(/^\d+\.\d+/),
      used_memory_bytes: expect.any(Number),
      persistence: 'none',
      pool_size: expect.any(Number),
    });
    const doctor = JSON.parse((await run(['doctor', '--json'], { cwd: dir })).stdout);
    expect(warnings(doctor)).toEqual(['redis persistence']);
  });

  it('no persistence warning on a Redis with AOF', async () => {
    const server = await startRedis({ config: { appendonly: 'yes' } });
    try {
      const dir = tempDir();
      writeConfig(dir, 'pforge.yaml', {
        backend: 'redis',
        url: server.url,
        namespace: freshNamespace(),
      });
      const out = JSON.parse((await run(['inspect', '--json'], { cwd: dir })).stdout);
      expect(out.details.persistence).toBe('aof');
      const doctor = JSON.parse((await run(['doctor', '--json'], { cwd: dir })).stdout);
      expect(warnings(doctor)).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
