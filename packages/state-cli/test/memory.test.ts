import {
  MAX_VALUE_BYTES,
  registerBackend,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import {
  attachStateInfo,
  defineBackend,
  defineOptions,
  namespaceOption,
} from '@pforge/state-core/backend';
import { createMemoryState, createMemoryStore } from '@pforge/state-memory';
import { afterAll, describe, expect, it } from 'vitest';
import { freshNamespace, run, runIn, tempDir, writeConfig } from './helpers.js';

// Memory lives in one process, so its commands run in-process through runCli: a backend
// registered in code (core's registerBackend, as a third party would) opens managers on one
// shared @pforge/state-memory store, so what one command writes the next one reads.
const store = createMemoryStore();
const unregister = registerBackend(
  defineBackend({
    name: 'shared-memory',
    options: defineOptions({ source: 'shared-memory', options: { namespace: namespaceOption } }),
    create: ({ namespace }) => createMemoryState({ store, namespace }),
  }),
);
// A third-party backend that publishes its own figures, as any backend may (core's
// attachStateInfo); a derived object, so info the memory backend attaches itself stays apart.
const unregisterFigures = registerBackend(
  defineBackend({
    name: 'figures-memory',
    options: defineOptions({ source: '@acme/figures', options: { namespace: namespaceOption } }),
    create: ({ namespace }) =>
      attachStateInfo(Object.create(createMemoryState({ store, namespace })) as StateManager, {
        backend: 'figures-memory',
        source: '@acme/figures',
        namespace,
        settlesLocally: true,
        inspect: async () => ({ shards: 4, engine: 'map', healthy: true, last_compaction: null }),
      }),
  }),
);
// A third-party backend with a smaller value limit (10 bytes) than the built-in ones.
const tooBig = (value: Uint8Array) =>
  new StateError(
    'ERR_STATE_INVALID_VALUE',
    `[@acme/tiny] values are at most 10 bytes (got ${value.byteLength})`,
  );
const unregisterTiny = registerBackend(
  defineBackend({
    name: 'tiny-memory',
    options: defineOptions({ source: '@acme/tiny', options: { namespace: namespaceOption } }),
    create: ({ namespace }) => {
      const inner = createMemoryState({ store, namespace });
      const tiny: StateManager = Object.create(inner);
      tiny.set = async (key, value, o) => {
        if (value.byteLength > 10) throw tooBig(value);
        return inner.set(key, value, o);
      };
      tiny.setMany = async (entries) => {
        const bad = entries.find((e) => e.value.byteLength > 10);
        if (bad) throw tooBig(bad.value);
        return inner.setMany(entries);
      };
      return tiny;
    },
  }),
);
afterAll(() => {
  unregister();
  unregisterFigures();
  unregisterTiny();
});

const cli = (dir: string, args: string[], input = '') => runIn(args, { cwd: dir, input });

describe('every command on memory, in-process', () => {
  const setup = () => {
    const dir = tempDir();
    writeConfig(dir, 'pforge.yaml', { backend: 'shared-memory', namespace: freshNamespace() });
    return (args: string[], input?: string) => cli(dir, args, input);
  };

  it('set, get, ttl, expire, del and keys', async () => {
    const c = setup();
    expect(await c(['set', 'a', 'one', '--ttl', '1h'])).toMatchObject({ code: 0 });
    expect(await c(['set', 'b', '-e', 'json'], '{"n": 2}')).toMatchObject({ code: 0 });
    expect(await c(['get', 'a'])).toMatchObject({ code: 0, stdout: 'one\n' });
    expect(JSON.parse((await c(['get', 'b', '-e', 'json', '--json'])).stdout).value).toEqual({
      n: 2,
    });
    expect(JSON.parse((await c(['ttl', 'a', '--json'])).stdout).ttl).toBeGreaterThan(3_500_000);
    expect(await c(['expire', 'a', 'none'])).toMatchObject({ code: 0, stdout: 'no expiry\n' });
    expect(JSON.parse((await c(['keys', '--json'])).stdout).sort()).toEqual(['a', 'b']);
    expect(await c(['del', 'a'])).toMatchObject({ code: 0, stdout: 'deleted\n' });
    expect(await c(['get', 'a'])).toMatchObject({ code: 1 });
  });

  it('restore, dump, inspect and migrate between two namespaces', async () => {
    const dir = tempDir();
    const ns = freshNamespace();
    writeConfig(dir, 'a.yaml', { backend: 'shared-memory', namespace: ns });
    writeConfig(dir, 'b.yaml', { backend: 'shared-memory', namespace: `${ns}-b` });
    const now = Date.now();
    const input = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({
        key: `k${i}`,
        value: Buffer.from(`v${i}`).toString('base64'),
        expiresAt: i % 3 === 0 ? null : i % 3 === 1 ? now + 3_600_000 : now - 1,
      }),
    ).join('\n');
    const restored = await cli(dir, ['-c', 'a.yaml', 'restore', '--json', '-b', '100'], input);
    expect(JSON.parse(restored.stdout)).toMatchObject({
      entries: 2500,
      written: 1667,
      expired: 833,
    });
    const inspected = JSON.parse((await cli(dir, ['-c', 'a.yaml', 'inspect', '--json'])).stdout);
    expect(inspected.stats).toMatchObject({ keys: 1667, ttl: { never: 834, within_1h: 833 } });
    const migrated = await cli(dir, [
      'migrate',
      '--from',
      'a.yaml',
      '--to',
      'b.yaml',
      '--verify',
      '--json',
    ]);
    expect(JSON.parse(migrated.stdout)).toMatchObject({
      listed: 1667,
      copied: 1667,
      failed: 0,
      verify: { checked: 1667, mismatched: 0 },
    });
    const again = JSON.parse(
      (await cli(dir, ['migrate', '--from', 'a.yaml', '--to', 'b.yaml', '--json'])).stdout,
    );
    expect(again).toMatchObject({ copied: 0, skipped: 1667 });
    const dumped = await cli(dir, ['-c', 'b.yaml', 'dump']);
    const lines = dumped.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1667);
    const k1 = lines.find((l) => l.key === 'k1');
    expect(Math.abs(k1.expiresAt - (now + 3_600_000))).toBeLessThan(1000);
    expect(lines.find((l) => l.key === 'k0')).toEqual({
      key: 'k0',
      value: Buffer.from('v0').toString('base64'),
      expiresAt: null,
    });
  });

  it('inspect prints whatever figures a backend publishes', async () => {
    const dir = tempDir();
    writeConfig(dir, 'pforge.yaml', { backend: 'figures-memory', namespace: freshNamespace() });
    const json = JSON.parse((await cli(dir, ['inspect', '--json'])).stdout);
    expect(json).toMatchObject({
      backend: 'figures-memory',
      source: '@acme/figures',
      settlesLocally: true,
      details: { shards: 4, engine: 'map', healthy: true, last_compaction: null },
    });
    const human = (await cli(dir, ['inspect'])).stdout;
    expect(human).toContain('backend     figures-memory (@acme/figures)');
    expect(human).toMatch(/^ {2}shards +4$/m);
    expect(human).toMatch(/^ {2}last_compaction +null$/m);
    const doctor = JSON.parse((await cli(dir, ['doctor', '--json'])).stdout);
    expect(doctor.checks.filter((c: { status: string }) => c.status !== 'ok')).toEqual([]);
  });

  it('a value of the largest size survives dump and restore', async () => {
    const dir = tempDir();
    const ns = freshNamespace();
    writeConfig(dir, 'a.yaml', { backend: 'shared-memory', namespace: ns });
    writeConfig(dir, 'b.yaml', { backend: 'shared-memory', namespace: `${ns}-b` });
    const value = Buffer.alloc(MAX_VALUE_BYTES, 7);
    const a = createMemoryState({ store, namespace: ns });
    await a.set('big', value, { ttl: 60_000 });
    await a.close();
    const dumped = await cli(dir, ['-c', 'a.yaml', 'dump']);
    expect(dumped.code).toBe(0);
    const restored = await cli(dir, ['-c', 'b.yaml', 'restore', '--json'], dumped.stdout);
    expect(JSON.parse(restored.stdout)).toMatchObject({ written: 1 });
    const b = createMemoryState({ store, namespace: `${ns}-b` });
    expect(Buffer.from((await b.get('big'))!).equals(value)).toBe(true);
    expect(await b.ttl('big')).toBeGreaterThan(50_000);
    await b.close();
  });

  it('migrate counts the keys a target refuses as failed, copies the rest, and exits 1', async () => {
    const dir = tempDir();
    const ns = freshNamespace();
    writeConfig(dir, 'a.yaml', { backend: 'shared-memory', namespace: ns });
    writeConfig(dir, 'tiny.yaml', { backend: 'tiny-memory', namespace: `${ns}-tiny` });
    const a = createMemoryState({ store, namespace: ns });
    await a.setMany([
      { key: 'ok1', value: Buffer.from('small') },
      { key: 'big', value: Buffer.alloc(20) },
      { key: 'ok2', value: Buffer.from('tiny'), ttl: 60_000 },
    ]);
    await a.close();
    const r = await cli(dir, ['migrate', '--from', 'a.yaml', '--to', 'tiny.yaml', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      listed: 3,
      copied: 2,
      failed: 1,
      failures: [
        {
          key: 'big',
          code: 'ERR_STATE_INVALID_VALUE',
          message: '[@acme/tiny] values are at most 10 bytes (got 20)',
        },
      ],
    });
    const human = await cli(dir, ['migrate', '--from', 'a.yaml', '--to', 'tiny.yaml']);
    expect(human.stdout).toContain('0 copied, 2 skipped (equal), 0 expired meanwhile, 1 failed');
    expect(human.stdout).toContain(
      '  failed: "big": [@acme/tiny] values are at most 10 bytes (got 20)',
    );
  });

  it('doctor on memory', async () => {
    const c = setup();
    const out = JSON.parse((await c(['doctor', '--json'])).stdout);
    expect(out.ok).toBe(true);
    expect(out.checks.map((x: { name: string }) => x.name)).toEqual([
      'config',
      'open',
      'latency',
      'versions',
    ]);
  });
});

describe('memory and a third-party backend package through the bin', () => {
  it('restore into `backend: memory` in one process, and doctor on it', async () => {
    const dir = tempDir();
    writeConfig(dir, 'pforge.yaml', { backend: 'memory' });
    const line = JSON.stringify({ key: 'k', value: 'AA==', expiresAt: null });
    const r = await run(['restore', '--json'], { cwd: dir, input: `${line}\n${line}\n` });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ entries: 2, written: 2 });
    expect((await run(['doctor'], { cwd: dir })).code).toBe(0);
  });

  it('opens `backend: "@acme/state-kv"`, a package resolved like any backend', async () => {
    const dir = tempDir();
    writeConfig(dir, 'pforge.yaml', { backend: '@acme/state-kv', namespace: 'x' });
    const r = await run(['doctor', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).checks[3].data).toMatchObject({ '@acme/state-kv': '0.0.0' });
  });
});
