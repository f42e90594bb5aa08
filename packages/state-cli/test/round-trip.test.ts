import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry } from '@pforge/state-core';
import { skipWithoutRedis } from '@pforge/test-redis';
import { describe, expect, it } from 'vitest';
import {
  expectSameContent,
  makeTarget,
  run,
  snapshot,
  tempDir,
  using,
  writeConfig,
} from './helpers.js';

const HOUR = 3_600_000;

/** `n` keys: a third without expiry, the rest expiring between 1 h and 1 day from now. */
function entries(n: number, prefix = 'key:'): Entry[] {
  return Array.from({ length: n }, (_, i) => {
    const value = Buffer.alloc(100, i % 251);
    value.writeUInt32BE(i);
    const key = `${prefix}${i}`;
    return i % 3 === 0 ? { key, value } : { key, value, ttl: HOUR + ((i * 7919) % (23 * HOUR)) };
  });
}

async function fill(open: () => Promise<import('@pforge/state-core').StateManager>, list: Entry[]) {
  await using(open, async (s) => {
    for (let i = 0; i < list.length; i += 5000) await s.setMany(list.slice(i, i + 5000));
  });
}

describe.skipIf(skipWithoutRedis())('round trips', () => {
  it('dump → restore of 100,000 keys, LMDB → Redis, keeps bytes and TTLs to the second', async () => {
    const dir = tempDir();
    const lmdb = makeTarget('lmdb', dir);
    const redis = makeTarget('redis', dir);
    writeConfig(dir, 'lmdb.yaml', lmdb.block);
    writeConfig(dir, 'redis.yaml', redis.block);
    await fill(lmdb.open, entries(100_000));

    const dumped = await run(['-c', 'lmdb.yaml', 'dump'], { cwd: dir });
    expect(dumped.code).toBe(0);
    expect(dumped.stdout.split('\n')).toHaveLength(100_001);
    const file = join(dir, 'dump.ndjson');
    writeFileSync(file, dumped.stdout);

    // stdin is the file itself here (`< dump.ndjson`), read twice from its start.
    const restored = await run(['-c', 'redis.yaml', 'restore', '--json'], {
      cwd: dir,
      stdinFile: file,
    });
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({
      entries: 100_000,
      written: 100_000,
      failed: 0,
    });
    const [a, b] = [await using(lmdb.open, snapshot), await using(redis.open, snapshot)];
    expect(a.size).toBe(100_000);
    expectSameContent(a, b, 1000);
  });

  it('migrate LMDB → Redis → LMDB is exact, re-runs skip equal keys, --verify agrees', async () => {
    const dir = tempDir();
    const [a, b, c] = [makeTarget('lmdb', dir), makeTarget('redis', dir), makeTarget('lmdb', dir)];
    writeConfig(dir, 'a.yaml', a.block);
    writeConfig(dir, 'b.yaml', b.block);
    writeConfig(dir, 'c.yaml', c.block);
    const odd: Entry[] = [
      { key: 'emoji 🎉', value: new Uint8Array([0xf0, 0x9f]) },
      { key: 'glob*?[x]', value: new Uint8Array(0), ttl: HOUR },
      { key: 'colon:and\\backslash', value: Buffer.from('\u0000nul') },
      { key: 'x'.repeat(1024), value: Buffer.alloc(70_000, 1) },
    ];
    await fill(a.open, [...entries(3000, 'm:'), ...odd]);

    const ab = await run(
      ['migrate', '--from', 'a.yaml', '--to', 'b.yaml', '--verify', '--json', '-b', '500'],
      { cwd: dir },
    );
    expect(ab.code).toBe(0);
    expect(JSON.parse(ab.stdout)).toMatchObject({
      listed: 3004,
      copied: 3004,
      skipped: 0,
      failed: 0,
      verify: { checked: 3004, mismatched: 0 },
    });
    const bc = await run(['migrate', '--from', 'b.yaml', '--to', 'c.yaml', '--verify'], {
      cwd: dir,
    });
    expect(bc.code).toBe(0);
    expect(bc.stdout).toMatch(
      /^migrate: 3,004 keys: 3,004 copied, 0 skipped \(equal\), 0 expired meanwhile, 0 failed in /,
    );
    expect(bc.stdout).toContain('verify: 3,004 keys checked, 0 differ');
    const [sa, sc] = [await using(a.open, snapshot), await using(c.open, snapshot)];
    expectSameContent(sa, sc, 1000);

    await using(a.open, (s) => s.set('m:0', Buffer.from('changed')));
    const again = JSON.parse(
      (await run(['migrate', '--from', 'a.yaml', '--to', 'b.yaml', '--json'], { cwd: dir })).stdout,
    );
    expect(again).toMatchObject({ listed: 3004, copied: 1, skipped: 3003, failed: 0 });
    await using(b.open, async (s) =>
      expect(Buffer.from((await s.get('m:0'))!).toString()).toBe('changed'),
    );

    // Equal bytes are skipped even when the expiry differs; --verify sees it and exits 1.
    await using(a.open, (s) => s.expire('m:2', null));
    const verify = await run(
      ['migrate', '--from', 'a.yaml', '--to', 'b.yaml', '--verify', '--json'],
      { cwd: dir },
    );
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      copied: 0,
      skipped: 3004,
      verify: { checked: 3004, mismatched: 1, keys: ['m:2'] },
    });
  });
});
