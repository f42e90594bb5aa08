import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callTool } from '../src/client/tool-call.js';
import { assertBuilt, connectStdio, type StdioSession, tempDir, writeConfig } from './helpers.js';

const TOOLS = [
  'counter',
  'nth_prime',
  'rate_limited_ping',
  'session_create',
  'session_destroy',
  'session_get',
  'state_stats',
  'transfer',
];

describe('over stdio with an LMDB config', () => {
  let cleanup: (() => unknown)[] = [];
  beforeAll(assertBuilt);
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup = [];
  });

  let dir = '';
  function lmdbConfig(): string {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    dir = tmp.dir;
    // A relative path: the server must resolve it against the config file's directory.
    return writeConfig(tmp.dir, 'backend: lmdb\npath: ./state\nnamespace: demo-test');
  }

  async function connect(config: string): Promise<StdioSession> {
    const s = await connectStdio(['--config', config]);
    cleanup.push(() => s.close());
    return s;
  }

  it('lists the tools and every tool answers', async () => {
    const { client } = await connect(lmdbConfig());
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
      expect(t.description).toBeTruthy();
    }
    expect(tools.find((t) => t.name === 'state_stats')?.annotations?.readOnlyHint).toBe(true);

    expect((await callTool(client, 'counter', { action: 'increment', name: 'c' })).data.value).toBe(
      1,
    );
    expect(
      (await callTool(client, 'counter', { action: 'increment', name: 'c', by: 4 })).data.value,
    ).toBe(5);
    expect((await callTool(client, 'counter', { action: 'get', name: 'c' })).data.value).toBe(5);
    expect((await callTool(client, 'counter', { action: 'reset', name: 'c' })).data.value).toBe(0);
    expect((await callTool(client, 'counter', { action: 'get', name: 'c' })).data.value).toBe(0);

    const created = await callTool(client, 'session_create', { data: { user: 'ada' } });
    expect(created.isError).toBe(false);
    const id = created.data.session_id as string;
    expect(id.length).toBeGreaterThanOrEqual(16);
    const read = await callTool(client, 'session_get', { session_id: id });
    expect(read.data).toMatchObject({ found: true, data: { user: 'ada' } });
    expect((await callTool(client, 'session_destroy', { session_id: id })).data.destroyed).toBe(
      true,
    );
    expect((await callTool(client, 'session_get', { session_id: id })).data.found).toBe(false);
    expect((await callTool(client, 'session_destroy', { session_id: id })).data.destroyed).toBe(
      false,
    );

    const pings = [];
    for (let i = 0; i < 4; i++)
      pings.push(await callTool(client, 'rate_limited_ping', { caller: 'u1' }));
    expect(pings.map((p) => p.isError)).toEqual([false, false, false, true]);
    expect(pings.map((p) => p.data.remaining)).toEqual([2, 1, 0, 0]);
    expect(pings[3]!.data.retry_after_ms).toBeGreaterThan(0);
    // The sliding window counts in 200 ms sub-windows: a retry may be up to one past 10 s.
    expect(pings[3]!.data.retry_after_ms).toBeLessThanOrEqual(10_200);
    expect(pings[3]!.text).toMatch(/retry in \d+\.\d s/);
    // Another caller has its own limit.
    expect((await callTool(client, 'rate_limited_ping', { caller: 'u2' })).isError).toBe(false);

    const miss = await callTool(client, 'nth_prime', { n: 100_000 });
    expect(miss.data).toMatchObject({ prime: 1_299_709, from_cache: false });
    const hit = await callTool(client, 'nth_prime', { n: 100_000 });
    expect(hit.data).toMatchObject({ prime: 1_299_709, from_cache: true });
    expect((await callTool(client, 'nth_prime', { n: 1 })).data.prime).toBe(2);

    const transfer = { from: 'a', to: 'b', amount: 3, request_id: 'r-1' };
    const moved = await callTool(client, 'transfer', transfer);
    expect(moved.data).toMatchObject({ from_value: -3, to_value: 3 });
    expect(moved.idempotency?.status).toBe('executed');
    const again = await callTool(client, 'transfer', transfer);
    expect(again.idempotency?.status).toBe('replayed');
    expect(again.text).toBe(moved.text);
    expect((await callTool(client, 'counter', { action: 'get', name: 'b' })).data.value).toBe(3);

    const stats = await callTool(client, 'state_stats');
    expect(stats.data).toMatchObject({
      backend: 'lmdb',
      namespace: 'demo-test',
      cache: { hits: 1, misses: 2 },
      rate_limit: { allowed: 4, refused: 1 },
    });
    expect(stats.data.key_count).toBeGreaterThanOrEqual(3);
  });

  it('keeps the counter across a restart', async () => {
    const config = lmdbConfig();
    const first = await connect(config);
    for (let i = 0; i < 5; i++) {
      await callTool(first.client, 'counter', { action: 'increment', name: 'runs' });
    }
    await first.close();
    // Started from elsewhere (as an MCP client may), with the config given by the environment:
    // the same store, and the backend package is still found.
    const second = await connectStdio([], { env: { PFORGE_CONFIG: config }, cwd: tmpdir() });
    cleanup.push(() => second.close());
    expect(
      (await callTool(second.client, 'counter', { action: 'get', name: 'runs' })).data.value,
    ).toBe(5);
    expect(
      (await callTool(second.client, 'counter', { action: 'increment', name: 'runs' })).data.value,
    ).toBe(6);
    expect(existsSync(join(dir, 'state'))).toBe(true); // beside the config, not in the cwd
  });

  it('expands environment variables in the config; a relative path stays beside it', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const config = writeConfig(
      tmp.dir,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax
      'backend: lmdb\npath: ${DEMO_TEST_DIR:-./from-default}\nnamespace: ${DEMO_TEST_NS}',
    );
    const s = await connectStdio(['--config', config], {
      env: { DEMO_TEST_NS: 'ns-from-env' },
      cwd: tmpdir(),
    });
    cleanup.push(() => s.close());
    await callTool(s.client, 'counter', { action: 'increment' });
    const stats = await callTool(s.client, 'state_stats');
    expect(stats.data).toMatchObject({ backend: 'lmdb', namespace: 'ns-from-env' });
    expect(stats.data.key_count).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(tmp.dir, 'from-default'))).toBe(true);
  });

  it('state_stats counts the state calls seen on the tracing channels, per backend and operation', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const s = await connectStdio(['--config', writeConfig(tmp.dir, 'backend: memory')]);
    cleanup.push(() => s.close());
    for (let i = 0; i < 3; i++) await callTool(s.client, 'counter', { action: 'increment' });
    await callTool(s.client, 'counter', { action: 'get' });
    const { data } = await callTool(s.client, 'state_stats');
    const memory = (data.state_calls as Record<string, Record<string, unknown>>).memory!;
    // Three counter increments, each notified on the bus (a sequence increment and an entry).
    expect(memory.increment).toEqual({ calls: 6, errors: 0 });
    expect(memory.set).toEqual({ calls: 3, errors: 0 });
    expect(memory.get).toEqual({ calls: 1, errors: 0 });
    expect(data.state_errors).toEqual({});
    expect(data.event_bus).toMatchObject({ published: 3 });
  });

  it('keeps answering other calls while a long computation runs', async () => {
    const { client } = await connect(lmdbConfig());
    const order: string[] = [];
    const slow = callTool(client, 'nth_prime', { n: 2_000_000 }).then((r) => {
      order.push('prime');
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the sieve has started
    const quick = await callTool(client, 'counter', { action: 'increment' });
    order.push('counter');
    expect(quick.data.value).toBe(1);
    expect((await slow).data).toMatchObject({ prime: 32_452_843, from_cache: false });
    expect(order).toEqual(['counter', 'prime']);
  });

  it('answers malformed input with a tool error and keeps serving', async () => {
    const { client } = await connect(lmdbConfig());
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['counter', { action: 'double' }, /action/],
      ['counter', { action: 'increment', name: 'has space' }, /name/],
      ['counter', { action: 'increment', by: 1.5 }, /by/],
      ['nth_prime', { n: 'ten' }, /\bn\b/],
      ['nth_prime', { n: 0 }, /\bn\b/],
      ['nth_prime', { n: 10_000_000 }, /\bn\b/],
      ['session_get', {}, /session_id/],
      ['session_create', { data: 'not an object' }, /data/],
      ['rate_limited_ping', { caller: '' }, /caller/],
      ['transfer', { from: 'a', to: 'b', amount: 0, request_id: 'x' }, /amount/],
      ['transfer', { from: 'a', to: 'b', amount: 1 }, /request_id/],
    ];
    for (const [tool, args, field] of cases) {
      const r = await callTool(client, tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(r.text).toMatch(/Input validation error/);
      expect(r.text).toMatch(field);
    }
    // An unknown tool is a protocol error on 2026-07-28 (no longer an isError result).
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(
      /no_such_tool not found/,
    );
    expect((await callTool(client, 'counter', { action: 'increment' })).data.value).toBe(1);
  });
});
