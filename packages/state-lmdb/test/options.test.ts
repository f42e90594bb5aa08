import { execFile } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { isStateError } from '@pforge/state-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createLmdbState,
  DEFAULTS,
  lmdbBackend,
  lmdbOptions,
  resolveOptions,
} from '../src/index.js';
import { CHILD, removeTempDirs, startServer, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/**
 * Opens `dir` without the privilege to write it. Root ignores permissions, so as root the
 * attempt runs in a child as user `nobody` when that user can run the child script, and
 * otherwise targets a path under /sys, which not even root may create.
 */
async function openAsUnprivileged(
  dir: string,
): Promise<{ path: string; code?: string; message: string }> {
  const runChild = (path: string, uid?: number) =>
    new Promise<string>((resolve, reject) => {
      const ids = uid === undefined ? {} : { uid, gid: uid };
      execFile(process.execPath, [CHILD, 'open', path], ids, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      );
    });
  if (process.getuid?.() !== 0) return { path: dir, ...JSON.parse(await runChild(dir)) };
  try {
    return { path: dir, ...JSON.parse(await runChild(dir, 65534)) };
  } catch {
    const path = `/sys/pforge-state-lmdb-${process.pid}`;
    const err = await rejection(createLmdbState({ path }));
    return { path, code: err.code, message: err.message };
  }
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('options', () => {
  it('resolveOptions maps the YAML block to code options, defaults applied', () => {
    expect(
      resolveOptions({
        path: './x',
        namespace: 'app',
        cache_size: 10_000,
        durability: 'sync',
        map_size: 64 * 1024 * 1024,
        sweep_interval_ms: 250,
        sweep_batch_size: 500,
      }),
    ).toEqual({
      path: './x',
      namespace: 'app',
      cacheSize: 10_000,
      durability: 'sync',
      mapSize: 64 * 1024 * 1024,
      sweepIntervalMs: 250,
      sweepBatchSize: 500,
    });
    expect(resolveOptions({ path: 'p' })).toEqual({ path: 'p', ...DEFAULTS });
    expect(DEFAULTS.durability).toBe('overlapped');
  });

  it('code and YAML options resolve to the same object, from one declaration', () => {
    const code = {
      path: './x',
      cacheSize: 5,
      durability: 'none',
      mapSize: 2 ** 21,
      sweepIntervalMs: 0,
      sweepBatchSize: 7,
    } as const;
    const yaml = {
      path: './x',
      cache_size: 5,
      durability: 'none',
      map_size: 2 ** 21,
      sweep_interval_ms: 0,
      sweep_batch_size: 7,
    };
    expect(lmdbOptions.parseYaml(yaml)).toEqual(lmdbOptions.parse(code));
    expect(lmdbOptions.parse(code)).toEqual({ ...code, namespace: 'pforge' });
    expect([...lmdbOptions.yamlNames].sort()).toEqual([...Object.keys(yaml), 'namespace'].sort());
  });

  it('keeps its own messages: a bad map_size says its minimum, an empty path what it must be', () => {
    expect(() => resolveOptions({ path: 'p', map_size: 1024 })).toThrow(
      /`state\.map_size`: must be at least 1 MiB \(1048576\)/,
    );
    expect(() => resolveOptions({ path: '' })).toThrow(
      /`state\.path`: must be a non-empty directory path/,
    );
    expect(() => resolveOptions({})).toThrow(/`state\.path`: required/);
  });

  it('reports every problem at once, with its path, and a hint for a typo', () => {
    let err: unknown;
    try {
      resolveOptions({ cache_sise: 5, durability: 'fsync', map_size: 10, sweep_interval_ms: -1 });
    } catch (e) {
      err = e;
    }
    expect(isStateError(err, 'ERR_STATE_CONFIG')).toBe(true);
    const msg = (err as Error).message;
    expect(msg).toContain('`state.path`');
    expect(msg).toContain('`state.cache_sise`');
    expect(msg).toContain('did you mean `cache_size`');
    expect(msg).toContain('`state.durability`');
    expect(msg).toContain('`state.map_size`');
    expect(msg).toContain('`state.sweep_interval_ms`');
  });

  it('the backend definition validates the same way, before any I/O', () => {
    expect(lmdbBackend.name).toBe('lmdb');
    expect(() => lmdbBackend.resolveOptions({ path: '' })).toThrow(/state\.path/);
    expect(lmdbBackend.resolveOptions({ path: 'p', durability: 'none' })).toEqual({
      ...DEFAULTS,
      path: 'p',
      durability: 'none',
    });
  });

  it('createLmdbState rejects bad options with ERR_STATE_CONFIG naming the option, creating nothing', async () => {
    const dir = join(tempDir('opts'), 'never-created');
    const err = await rejection(
      createLmdbState({ path: dir, durability: 'fast' as never, sweepBatchSize: 0 }),
    );
    expect(err.code).toBe('ERR_STATE_CONFIG');
    expect(err.message).toContain('`options.durability`');
    expect(err.message).toContain('`options.sweepBatchSize`');
    const bad = await rejection(createLmdbState({ path: dir, namespace: '' }));
    expect(bad.message).toContain('`options.namespace`');
    await expect(import('node:fs').then((fs) => fs.existsSync(dir))).resolves.toBe(false);
  });
});

describe('paths', () => {
  it('a path that is a file is ERR_STATE_CONFIG naming the path', async () => {
    const file = join(tempDir('file'), 'plain-file');
    writeFileSync(file, 'x');
    const err = await rejection(createLmdbState({ path: file }));
    expect(err.code).toBe('ERR_STATE_CONFIG');
    expect(err.message).toContain(file);
    expect(err.message).toContain('not a directory');
  });

  it('a path under a file is ERR_STATE_CONFIG naming the path', async () => {
    const file = join(tempDir('under'), 'plain-file');
    writeFileSync(file, 'x');
    const err = await rejection(createLmdbState({ path: join(file, 'sub') }));
    expect(err.code).toBe('ERR_STATE_CONFIG');
    expect(err.message).toContain(join(file, 'sub'));
  });

  it('a directory holding something that is not an LMDB store is ERR_STATE_BACKEND naming the path', async () => {
    const dir = tempDir('garbage');
    writeFileSync(join(dir, 'data.mdb'), Buffer.alloc(64 * 1024, 0x5a));
    const err = await rejection(createLmdbState({ path: dir }));
    expect(err.code).toBe('ERR_STATE_BACKEND');
    expect(err.message).toContain(dir);
    expect(err.message).toContain('not an LMDB data file');
  });

  it('a store of another LMDB format version is ERR_STATE_BACKEND naming the path', async () => {
    const dir = tempDir('version');
    const s = await createLmdbState({ path: dir });
    await s.set('a', new Uint8Array(1));
    await s.close();
    const file = join(dir, 'data.mdb');
    const data = readFileSync(file);
    data.writeUInt32LE(999, 28);
    writeFileSync(file, data);
    const err = await rejection(createLmdbState({ path: dir }));
    expect(err.code).toBe('ERR_STATE_BACKEND');
    expect(err.message).toContain(dir);
    expect(err.message).toContain('incompatible LMDB format version');
  });

  it('a lock file of another LMDB version, held by a running process, is ERR_STATE_BACKEND naming the path', async () => {
    const dir = tempDir('lockversion');
    const holder = await startServer(dir);
    try {
      // What a process with an lmdb-js of another lock version would have written.
      const fd = openSync(join(dir, 'lock.mdb'), 'r+');
      const head = Buffer.alloc(8);
      readSync(fd, head, 0, 8, 0);
      head.writeUInt32LE((head.readUInt32LE(4) & ~0xfff) | 0x7fe, 4);
      writeSync(fd, head, 0, 8, 0);
      closeSync(fd);
      const err = await rejection(createLmdbState({ path: dir }));
      expect(err.code).toBe('ERR_STATE_BACKEND');
      expect(err.message).toContain(dir);
      expect(err.message).toContain('lock.mdb of an incompatible LMDB version');
    } finally {
      holder.child.kill('SIGKILL');
    }
  });

  it('a directory this process may not write is ERR_STATE_CONFIG naming the path', async () => {
    const dir = join(tempDir('perm'), 'locked');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    const result = await openAsUnprivileged(dir);
    chmodSync(dir, 0o700);
    expect(result.code).toBe('ERR_STATE_CONFIG');
    expect(result.message).toContain(result.path);
    expect(result.message).toMatch(/not readable and writable|read-only/);
  });
});
