import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp } from '../src/client/connect.js';
import type { ServerInstance } from '../src/client/instances.js';
import { roundRobin } from '../src/client/round-robin.js';
import { callTool, type ToolCaller } from '../src/client/tool-call.js';
import { counterUri } from '../src/counter-events.js';
import { COUNTER_META } from '../src/settings.js';
import { assertBuilt, startHttpServer, tempDir, waitFor, writeConfig } from './helpers.js';

/** A store two instances share: its config file, and how to get rid of it. */
interface Store {
  name: string;
  skip: boolean;
  open(): Promise<{ config: string; close(): Promise<void> }>;
}

const stores: Store[] = [
  {
    name: 'LMDB (one path)',
    skip: false,
    open: async () => {
      const tmp = tempDir();
      // No fsync per commit: what is tested is sharing one path (a SIGKILL loses nothing
      // acknowledged at any level); the durability levels are state-lmdb's own tests' matter.
      const config = writeConfig(tmp.dir, 'backend: lmdb\npath: ./state\ndurability: none');
      return { config, close: async () => tmp.remove() };
    },
  },
  {
    name: 'Redis',
    skip: skipWithoutRedis(),
    open: async () => {
      const redis = await startRedis();
      const tmp = tempDir();
      const config = writeConfig(tmp.dir, `backend: redis\nurl: ${redis.url}`);
      const close = async () => {
        await redis.stop();
        tmp.remove();
      };
      return { config, close };
    },
  },
];

const unique = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;
const value = async (c: ToolCaller, name: string) =>
  (await callTool(c, 'counter', { action: 'get', name })).data.value;

for (const store of stores) {
  describe.skipIf(store.skip)(`two instances on ${store.name}, a round-robin client`, () => {
    let opened: Awaited<ReturnType<Store['open']>>;
    let a: ServerInstance;
    let b: ServerInstance;
    let urls: string[];
    const closing: { close(): Promise<unknown> }[] = [];
    const connect = async (to: string[]): Promise<Client> => {
      const { client } = await connectHttp(to, 'demo-test');
      closing.push(client);
      return client;
    };

    beforeAll(async () => {
      assertBuilt();
      opened = await store.open();
      [a, b] = await Promise.all([startHttpServer(opened.config), startHttpServer(opened.config)]);
      urls = [a.url, b.url];
    }, 60_000);
    afterEach(async () => {
      await Promise.allSettled(closing.splice(0).map((c) => c.close()));
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await opened?.close();
    });

    it('100 concurrent increments alternating between the instances are exact', async () => {
      const client = await connect(urls);
      const name = unique('count');
      const replies = await Promise.all(
        Array.from({ length: 100 }, () =>
          callTool(client, 'counter', { action: 'increment', name }),
        ),
      );
      expect(replies.filter((r) => r.isError)).toEqual([]);
      const values = replies.map((r) => r.data.value as number).sort((x, y) => x - y);
      expect(values).toEqual(Array.from({ length: 100 }, (_, i) => i + 1)); // none lost, none twice
      const [toA, toB] = await Promise.all([connect([a.url]), connect([b.url])]);
      expect([await value(toA, name), await value(toB, name)]).toEqual([100, 100]);
    });

    it('a handle made on either instance works on the other', async () => {
      const [toA, toB] = await Promise.all([connect([a.url]), connect([b.url])]);
      const made = await callTool(toA, 'session_create', { data: { user: 'ada' } });
      const id = made.data.session_id as string;
      expect(id).toMatch(/^session_[A-Za-z0-9_-]{32}$/);
      expect((await callTool(toB, 'session_get', { session_id: id })).data).toMatchObject({
        found: true,
        data: { user: 'ada' },
      });
      const fromB = (await callTool(toB, 'session_create', { data: { n: 2 } })).data.session_id;
      expect((await callTool(toA, 'session_get', { session_id: fromB })).data.data).toEqual({
        n: 2,
      });
      expect((await callTool(toB, 'session_destroy', { session_id: id })).data.destroyed).toBe(
        true,
      );
      expect((await callTool(toA, 'session_get', { session_id: id })).data.found).toBe(false);
      const forged = `session_${'A'.repeat(32)}`;
      expect((await callTool(toB, 'session_get', { session_id: forged })).data.found).toBe(false);
    });

    it('a v2 client pinned to 2026-07-28 and a v1 client (2025 era, served stateless) both work', async () => {
      const modern = await connect(urls);
      expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const legacy = new V1Client({ name: 'v1-client', version: '1.0.0' });
      await legacy.connect(new V1Transport(new URL(urls[0]!), { fetch: roundRobin(urls).fetch }));
      closing.push(legacy);
      const name = unique('eras');
      const replies = await Promise.all(
        [modern, legacy, modern, legacy, modern, legacy].map((c) =>
          callTool(c, 'counter', { action: 'increment', name }),
        ),
      );
      expect(replies.map((r) => r.data.value).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      const made = await callTool(legacy, 'session_create', { data: { era: 2025 } });
      const id = made.data.session_id;
      expect((await callTool(legacy, 'session_get', { session_id: id })).data.found).toBe(true);
      expect((await callTool(modern, 'session_get', { session_id: id })).data.found).toBe(true);
      const args = { from: unique('x'), to: unique('y'), amount: 2, request_id: unique('eras') };
      const first = await callTool(legacy, 'transfer', args);
      const second = await callTool(modern, 'transfer', args);
      expect([first.idempotency?.status, second.idempotency?.status]).toEqual([
        'executed',
        'replayed',
      ]);
      expect(await value(legacy, args.to)).toBe(2);
    });

    it('20 concurrent duplicates of one transfer move the amount once; other arguments are refused', async () => {
      const client = await connect(urls);
      const args = { from: unique('from'), to: unique('to'), amount: 5, request_id: unique('dup') };
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => callTool(client, 'transfer', { ...args, settle_ms: 300 })),
      );
      const statuses = replies.map((r) => r.idempotency?.status);
      expect(statuses.filter((s) => s === 'executed')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'replayed')).toHaveLength(19);
      expect(new Set(replies.map((r) => r.text)).size).toBe(1);
      expect([await value(client, args.from), await value(client, args.to)]).toEqual([-5, 5]);
      const reused = await callTool(client, 'transfer', { ...args, amount: 6, settle_ms: 300 });
      expect(reused).toMatchObject({ isError: true, idempotency: { status: 'key_reused' } });
      expect([await value(client, args.from), await value(client, args.to)]).toEqual([-5, 5]);
    });

    it('SIGKILL during a transfer: re-issued on the other instance, it never runs twice', async () => {
      const c = await startHttpServer(opened.config, ['--lease-ms', '1000']);
      try {
        const [toC, toB] = await Promise.all([connect([c.url]), connect([b.url])]);
        // Recorded before the crash: the re-issued request gets that outcome.
        const done = { from: unique('f'), to: unique('t'), amount: 3, request_id: unique('done') };
        const first = await callTool(toC, 'transfer', done);
        // Running when the crash comes: debited, not yet credited, no outcome recorded.
        const cut = { from: unique('f'), to: unique('t'), amount: 7, request_id: unique('cut') };
        void callTool(toC, 'transfer', { ...cut, settle_ms: 60_000 }).catch(() => {});
        expect(await waitFor(async () => (await value(toB, cut.from)) === -7)).toBe(true);
        c.child.kill('SIGKILL');
        await c.exited;

        const replayed = await callTool(toB, 'transfer', done);
        expect(replayed.idempotency?.status).toBe('replayed');
        expect(replayed.text).toBe(first.text);
        const reissued = await callTool(toB, 'transfer', { ...cut, settle_ms: 60_000 });
        expect(reissued).toMatchObject({
          isError: true,
          idempotency: { status: 'outcome_unknown' },
        });
        const again = await callTool(toB, 'transfer', { ...cut, settle_ms: 60_000 });
        expect(again.idempotency?.status).toBe('outcome_unknown'); // stable: never a second run
        expect([await value(toB, cut.from), await value(toB, cut.to)]).toEqual([-7, 0]);
        expect([await value(toB, done.from), await value(toB, done.to)]).toEqual([-3, 3]);
      } finally {
        c.child.kill('SIGKILL');
      }
    }, 60_000);

    it('a change published on B reaches a listener on A quickly; none of 1,000 is lost', async () => {
      const name = unique('bus');
      const [listener, toB] = await Promise.all([connect([a.url]), connect([b.url])]);
      const arrivals = new Map<number, number>();
      listener.setNotificationHandler('notifications/resources/updated', (n) => {
        const meta = n.params._meta?.[COUNTER_META] as { value: number } | undefined;
        if (n.params.uri === counterUri(name) && meta) arrivals.set(meta.value, performance.now());
      });
      const subscription = await listener.listen({ resourceSubscriptions: [counterUri(name)] });
      closing.push(subscription);
      const latencies: number[] = [];
      for (let i = 1; i <= 20; i++) {
        const sent = performance.now();
        await callTool(toB, 'counter', { action: 'increment', name });
        expect(await waitFor(() => arrivals.has(i), 5_000)).toBe(true);
        latencies.push(arrivals.get(i)! - sent);
      }
      latencies.sort((x, y) => x - y);
      console.log(
        `[${store.name}] notification B -> listener on A (ms from sending the call): median ${Math.round(latencies[10]!)}, max ${Math.round(latencies[19]!)}`,
      );
      // Documented: about half the 50 ms poll interval plus a round trip; generous on a loaded machine.
      expect(latencies[10]).toBeLessThan(1_000);

      let left = 1_000;
      const worker = async () => {
        while (left-- > 0) await callTool(toB, 'counter', { action: 'increment', name });
      };
      await Promise.all(Array.from({ length: 50 }, worker));
      expect(await waitFor(() => arrivals.size >= 1_020, 30_000)).toBe(true);
      expect([...arrivals.keys()].sort((x, y) => x - y)).toEqual(
        Array.from({ length: 1_020 }, (_, i) => i + 1),
      );
    }, 90_000);
  });
}
