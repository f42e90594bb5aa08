import { spawn } from 'node:child_process';
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbState } from '../src/index.js';
import { CHILD, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const bytes = (s: string) => new TextEncoder().encode(s);

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out;
}

/** UTF-8 byte order, the order LMDB keeps keys in. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('one directory opened several times in one process', () => {
  it('shares one environment, through any spelling of the path', async () => {
    const dir = tempDir('shared');
    const link = `${dir}-link`;
    symlinkSync(dir, link);
    const a = await createLmdbState({ path: dir });
    const b = await createLmdbState({ path: relative(process.cwd(), link) });
    try {
      expect(b.path).toBe(a.path);
      await a.set('k', bytes('from a'));
      expect(await b.get('k')).toEqual(bytes('from a'));
      await a.close();
      // The environment stays open for the other manager.
      expect(await b.get('k')).toEqual(bytes('from a'));
      await b.set('k2', bytes('still works'));
    } finally {
      await a.close();
      await b.close();
    }
    const c = await createLmdbState({ path: dir });
    expect(await c.get('k2')).toEqual(bytes('still works'));
    await c.close();
  });

  it('a second open with another durability is ERR_STATE_CONFIG naming both', async () => {
    const dir = tempDir('durability');
    await using a = await createLmdbState({ path: dir, durability: 'sync' });
    await expect(createLmdbState({ path: dir, durability: 'none' })).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringMatching(/durability.*none.*sync/),
    });
    expect(await a.exists('x')).toBe(false);
  });

  it('every durability level reads back what it wrote', async () => {
    for (const durability of ['sync', 'overlapped', 'none'] as const) {
      await using s = await createLmdbState({ path: tempDir(durability), durability });
      await s.setMany([{ key: 'a', value: bytes('1') }]);
      await s.set('b', bytes('2'), { ttl: 10_000 });
      expect(await s.getMany(['a', 'b'])).toEqual([bytes('1'), bytes('2')]);
    }
  });
});

describe('keys', () => {
  it('keys() walks the namespace in UTF-8 byte order, lazily, across pages', async () => {
    await using s = await createLmdbState({ path: tempDir('order'), namespace: 'a:b' });
    await using other = await createLmdbState({ path: s.path, namespace: 'a' });
    const keys = Array.from(
      { length: 700 },
      (_, i) => [`k${i}`, `é${i}`, `\u0000${i}`, `:${i}`, `🎉${i}`, `中${i}`, `a\\${i}`][i % 7]!,
    );
    const shuffled = [...keys].sort(() => Math.random() - 0.5);
    await s.setMany(shuffled.map((key) => ({ key, value: bytes(key) })));
    await other.set('b:c', bytes('other namespace'));
    const seen = await collect(s.keys());
    expect(seen).toEqual([...keys].sort(byteOrder));
    expect(await collect(other.keys())).toEqual(['b:c']);
    expect(await collect(s.keys({ prefix: '🎉' }))).toEqual(
      keys.filter((k) => k.startsWith('🎉')).sort(byteOrder),
    );
  });

  it('a walk in progress sees each key at most once while keys are added and removed', async () => {
    await using s = await createLmdbState({ path: tempDir('walk') });
    await s.setMany(
      Array.from({ length: 1000 }, (_, i) => ({
        key: `k${String(i).padStart(4, '0')}`,
        value: bytes('v'),
      })),
    );
    const seen: string[] = [];
    for await (const k of s.keys()) {
      seen.push(k);
      if (seen.length === 300) {
        await s.deleteMany(['k0900', 'k0901']);
        await s.set('k0950x', bytes('new'));
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain('k0900');
    expect(seen).toContain('k0950x');
    expect(seen.length).toBe(999);
  });

  it('the longest key fits with the longest namespace of wide characters', async () => {
    const namespace = '中'.repeat(256);
    await using s = await createLmdbState({ path: tempDir('long'), namespace });
    const key = `${'é'.repeat(511)}x\u0000`;
    expect(Buffer.byteLength(key)).toBe(1024);
    await s.set(key, bytes('long'), { ttl: 60_000 });
    expect(await s.get(key)).toEqual(bytes('long'));
    expect(await s.increment(`${key.slice(0, -2)}n`)).toBe(1);
    expect(await collect(s.keys())).toHaveLength(2);
  });
});

describe('errors', () => {
  it('after close every call rejects with ERR_STATE_CLOSED, and the path is kept for messages', async () => {
    const s = await createLmdbState({ path: join(tempDir('closed'), 'sub') });
    await s.close();
    await expect(s.get('a')).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    await expect(s.stats()).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    expect(s.path).toMatch(/sub$/);
  });
});

describe('path', () => {
  it('a lock.mdb of zeros (being created by another process) is left to LMDB: the store opens', async () => {
    const dir = tempDir('zero-lock');
    writeFileSync(join(dir, 'lock.mdb'), Buffer.alloc(8192));
    await using s = await createLmdbState({ path: dir });
    await s.set('k', bytes('v'));
    expect(await s.get('k')).toEqual(bytes('v'));
  });

  it('is a directory even when its name has a dot (lmdb-js alone would take it for a file)', async () => {
    for (const name of ['state.lmdb', 'v1.2']) {
      for (const existing of [false, true]) {
        const dir = existing ? tempDir(name) : join(tempDir('dotted'), name);
        const a = await createLmdbState({ path: dir });
        await a.set('k', bytes('v'));
        await a.close();
        expect(readdirSync(dir).sort()).toEqual(['data.mdb', 'lock.mdb']);
        const b = await createLmdbState({ path: dir });
        expect(await b.get('k')).toEqual(bytes('v'));
        await b.close();
      }
    }
  });

  // Node's recursive mkdirSync loops forever (100% CPU, event loop blocked) where mkdir answers
  // ENOENT under an existing parent, as everywhere under /proc. In a child, with a deadline.
  it('a path under /proc where mkdir -p would spin fails fast with ERR_STATE_CONFIG naming it', async () => {
    for (const path of ['/proc/self/fdinfo/x/y', '/proc/1/nope/state', '/proc/nope/state']) {
      const started = Date.now();
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [CHILD, 'open', path], {
          stdio: ['ignore', 'pipe', 'inherit'],
          timeout: 20_000,
        });
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
        });
        child.on('error', reject);
        child.on('exit', (code, signal) =>
          code === 0 ? resolve(text) : reject(new Error(`open ${path}: exit ${code} ${signal}`)),
        );
      });
      expect(Date.now() - started).toBeLessThan(20_000);
      const result = JSON.parse(out) as { code?: string; message?: string };
      expect(result.code).toBe('ERR_STATE_CONFIG');
      expect(result.message).toContain(JSON.stringify(path));
    }
  }, 70_000);
});
