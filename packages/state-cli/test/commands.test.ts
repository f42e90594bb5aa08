import { skipWithoutRedis } from '@pforge/test-redis';
import { describe, expect, it } from 'vitest';
import {
  expectSameContent,
  makeTarget,
  run,
  runIn,
  snapshot,
  tempDir,
  using,
  writeConfig,
} from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

// Every command through the built bin, on a real LMDB directory and a real redis-server.
for (const backend of ['lmdb', 'redis'] as const) {
  describe.skipIf(backend === 'redis' && skipWithoutRedis())(`commands on ${backend}`, () => {
    const setup = () => {
      const dir = tempDir();
      const target = makeTarget(backend, dir);
      writeConfig(dir, 'pforge.yaml', target.block);
      // In-process (runCli): these check output and store content; the process itself
      // (exit codes, pipes) is checked through the bin below and in the other files.
      const cli = (args: string[], input?: string) => runIn(args, { cwd: dir, input });
      const bin = (args: string[], input?: string) => run(args, { cwd: dir, input });
      return { dir, target, cli, bin };
    };

    it('set, get, ttl, expire, del: values, encodings, TTLs and exit codes', async () => {
      const { target, cli, bin } = setup();
      expect((await bin(['set', 'greeting', 'héllo', '--ttl', '5m'])).code).toBe(0);
      const got = await bin(['get', 'greeting']);
      expect(got).toMatchObject({ code: 0, stdout: 'héllo\n' });
      const json = JSON.parse((await cli(['get', 'greeting', '--json'])).stdout);
      expect(json).toMatchObject({
        key: 'greeting',
        found: true,
        encoding: 'utf8',
        value: 'héllo',
        bytes: 6,
      });
      expect(json.ttl).toBeGreaterThan(240_000);
      expect(json.ttl).toBeLessThanOrEqual(300_000);
      expect((await cli(['get', 'greeting', '-e', 'hex'])).stdout).toBe('68c3a96c6c6f\n');
      expect((await cli(['get', 'greeting', '--encoding', 'base64'])).stdout).toBe('aMOpbGxv\n');

      const ttl = JSON.parse((await cli(['ttl', 'greeting', '--json'])).stdout);
      expect(ttl.ttl).toBeGreaterThan(240_000);
      expect((await cli(['expire', 'greeting', 'none'])).code).toBe(0);
      expect(JSON.parse((await cli(['ttl', 'greeting', '--json'])).stdout).ttl).toBeNull();
      expect((await cli(['expire', 'greeting', '2h', '--json'])).stdout).toContain('"ttl":7200000');

      const del = await cli(['del', 'greeting', '--json']);
      expect(JSON.parse(del.stdout)).toEqual({ key: 'greeting', deleted: true });
      expect(JSON.parse((await cli(['del', 'greeting', '--json'])).stdout).deleted).toBe(false);
      const missing = await bin(['get', 'greeting']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('pforge-state: key "greeting" not found\n');
      expect((await cli(['ttl', 'greeting'])).code).toBe(1);
      expect((await cli(['expire', 'greeting', '5s'])).code).toBe(1);
      await using(target.open, async (s) => expect(await s.get('greeting')).toBeUndefined());
    });

    it('set reads json, hex, base64 and raw stdin; get shows binary as base64', async () => {
      const { target, cli, bin } = setup();
      expect((await cli(['set', 'doc', '{ "a" : [1, 2] }', '-e', 'json'])).code).toBe(0);
      expect((await cli(['get', 'doc', '-e', 'json'])).stdout).toBe(
        '{\n  "a": [\n    1,\n    2\n  ]\n}\n',
      );
      const doc = JSON.parse((await cli(['get', 'doc', '-e', 'json', '--json'])).stdout);
      expect(doc.value).toEqual({ a: [1, 2] });
      expect((await cli(['set', 'bin', 'ff00fe', '-e', 'hex'])).code).toBe(0);
      const binary = await cli(['get', 'bin']);
      expect(binary.stdout).toBe('/wD+\n');
      expect(binary.stderr).toContain('not valid UTF-8: shown as base64');
      expect((await cli(['set', 'b64', '-e', 'base64'], 'AAEC\n')).code).toBe(0);
      expect((await bin(['set', 'raw'], 'line one\nline two\n')).code).toBe(0);
      expect((await cli(['get', 'bin', '-e', 'utf8'])).code).toBe(1);
      await using(target.open, async (s) => {
        expect(await s.get('doc')).toEqual(enc('{"a":[1,2]}'));
        expect(await s.get('bin')).toEqual(new Uint8Array([0xff, 0, 0xfe]));
        expect(await s.get('b64')).toEqual(new Uint8Array([0, 1, 2]));
        expect(await s.get('raw')).toEqual(enc('line one\nline two\n'));
      });
    });

    it('keys with --prefix and --limit, as lines and as a JSON array', async () => {
      const { target, cli } = setup();
      await using(target.open, (s) =>
        s.setMany(['a:1', 'a:2', 'a:3', 'b:1', 'a:*?[\\'].map((key) => ({ key, value: enc(key) }))),
      );
      const all = (await cli(['keys'])).stdout.trim().split('\n').sort();
      expect(all).toEqual(['a:*?[\\', 'a:1', 'a:2', 'a:3', 'b:1']);
      const json = JSON.parse((await cli(['keys', '--prefix', 'a:', '--json'])).stdout) as string[];
      expect(json.sort()).toEqual(['a:*?[\\', 'a:1', 'a:2', 'a:3']);
      expect(
        (await cli(['keys', '--prefix', 'a:', '--limit', '2'])).stdout.trim().split('\n'),
      ).toHaveLength(2);
      expect(JSON.parse((await cli(['keys', '--prefix', 'zzz', '--json'])).stdout)).toEqual([]);
    });

    it('inspect counts keys, value sizes and expiries, and prints backend details', async () => {
      const { target, cli } = setup();
      await using(target.open, (s) =>
        s.setMany([
          { key: 'soon', value: new Uint8Array(10), ttl: 30_000 },
          { key: 'hour', value: new Uint8Array(100), ttl: 1_800_000 },
          { key: 'day', value: new Uint8Array(1000), ttl: 7_200_000 },
          { key: 'week', value: new Uint8Array(5000), ttl: 7 * 86_400_000 },
          { key: 'forever', value: new Uint8Array(0) },
        ]),
      );
      const r = await cli(['inspect', '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ backend: backend, namespace: target.block.namespace });
      expect(out.stats).toMatchObject({
        keys: 5,
        valueBytes: 6110,
        minValueBytes: 0,
        maxValueBytes: 5000,
        ttl: { within_1m: 1, within_1h: 2, within_1d: 3, later: 1, never: 1 },
      });
      const sizes = Object.fromEntries(
        out.stats.sizes.map((b: { le: number | null; count: number }) => [String(b.le), b.count]),
      );
      expect(sizes).toMatchObject({ '0': 1, '64': 1, '256': 1, '1024': 1, '16384': 1 });
      const human = await cli(['inspect']);
      expect(human.stdout).toContain('keys        5');
      expect(human.stdout).toContain(
        'within 1 min 1, within 1 h 2, within 1 day 3, later 1, never 1',
      );
    });

    it('dump then restore into an empty store gives the same keys, values and TTLs', async () => {
      const { dir, target, bin } = setup();
      await using(target.open, (s) =>
        s.setMany([
          { key: 'x', value: enc('1'), ttl: 600_000 },
          { key: 'y\n"z"', value: new Uint8Array([0, 255]) },
          { key: 'gone', value: enc('soon'), ttl: 1 },
        ]),
      );
      const dumped = await bin(['dump']);
      expect(dumped.code).toBe(0);
      const lines = dumped.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.key).sort()).toEqual(['x', 'y\n"z"']);
      expect(dumped.stderr).toMatch(/^dump: 2 keys in /);
      const other = makeTarget(backend, dir);
      writeConfig(dir, 'other.yaml', other.block);
      const restored = await run(['-c', 'other.yaml', 'restore', '--json'], {
        cwd: dir,
        input: dumped.stdout,
      });
      expect(restored.code).toBe(0);
      expect(JSON.parse(restored.stdout)).toMatchObject({
        entries: 2,
        written: 2,
        skipped: 0,
        bad: 0,
      });
      const [a, b] = await Promise.all([using(target.open, snapshot), using(other.open, snapshot)]);
      expectSameContent(a, b);
    });

    it('restore keeps existing keys by default and replaces them with --overwrite', async () => {
      const { target, cli } = setup();
      await using(target.open, (s) => s.set('k', enc('mine')));
      const line = `${JSON.stringify({ key: 'k', value: Buffer.from('theirs').toString('base64'), expiresAt: null })}\n`;
      const kept = JSON.parse((await cli(['restore', '--json'], line)).stdout);
      expect(kept).toMatchObject({ written: 0, skipped: 1 });
      await using(target.open, async (s) => expect(await s.get('k')).toEqual(enc('mine')));
      const over = JSON.parse((await cli(['restore', '--overwrite', '--json'], line)).stdout);
      expect(over).toMatchObject({ written: 1, skipped: 0 });
      await using(target.open, async (s) => expect(await s.get('k')).toEqual(enc('theirs')));
    });

    it('doctor validates, pings 100 times, reports versions, and removes its probe key', async () => {
      const { target, cli, bin } = setup();
      const r = await bin(['doctor', '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as {
        ok: boolean;
        checks: { name: string; status: string; data?: Record<string, unknown> }[];
      };
      expect(out.ok).toBe(true);
      const byName = Object.fromEntries(out.checks.map((c) => [c.name, c]));
      expect(byName.config?.status).toBe('ok');
      expect(byName.latency?.data).toMatchObject({ pings: 100 });
      expect(byName.latency?.data?.p99_ms).toBeGreaterThanOrEqual(
        byName.latency?.data?.p50_ms as number,
      );
      expect(byName.versions?.data).toMatchObject({
        node: process.versions.node,
        '@pforge/state-cli': expect.any(String),
        '@pforge/state-core': expect.any(String),
        [`@pforge/state-${backend}`]: expect.any(String),
      });
      await using(target.open, async (s) => expect(await snapshot(s)).toEqual(new Map()));
      const human = await cli(['doctor']);
      expect(human.stdout).toMatch(
        /^ok +latency +set\+get p50 [\d.]+ ms, p99 [\d.]+ ms over 100 pings$/m,
      );
    });
  });
}
