import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/client';
import type { ServerEvent } from '@modelcontextprotocol/server';
import type { StateManager } from '@pforge/state-core';
import { createLmdbState } from '@pforge/state-lmdb';
import { createRedisState } from '@pforge/state-redis';
import { skipWithoutRedis } from '@pforge/test-redis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createStateEventBus, IDEMPOTENCY_META } from '../src/index.js';
import { modernClient } from './instance.js';
import { rprefix, sleep } from './targets.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pforge-mcp-procs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Child {
  child: ChildProcess;
  /** Resolves with the first stdout line. */
  first: Promise<string>;
  /** Resolves with each later stdout line, in order. */
  next(): Promise<string>;
}

function start(name: string, args: string[]): Child {
  const child = spawn(process.execPath, [fixture(name), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffer = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    buffer += d;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${err}`)));
    });
  return { child, first: next(), next };
}

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const status = (r: CallToolResult) =>
  (r._meta?.[IDEMPOTENCY_META] as { status?: string } | undefined)?.status;

interface Backend {
  name: string;
  skip: boolean;
  target: () => string;
  open: (target: string) => Promise<StateManager>;
}

const backends: Backend[] = [
  {
    name: 'lmdb',
    skip: false,
    target: () => join(dir, 'db'),
    open: async (path) => createLmdbState({ path, namespace: 'state-mcp-procs' }),
  },
  {
    name: 'redis',
    skip: skipWithoutRedis(),
    target: () => inject('redisUrl'),
    open: async (url) => createRedisState({ url, namespace: 'state-mcp-procs' }),
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`${backend.name}, two real processes sharing the store`, () => {
    const children: ChildProcess[] = [];
    const closing: { close(): Promise<void> }[] = [];
    afterEach(async () => {
      for (const c of children.splice(0)) c.kill('SIGKILL');
      await Promise.all(closing.splice(0).map((c) => c.close()));
    });
    const instances = async (prefix: string) => {
      const pair = [0, 1].map(() =>
        start('instance.mjs', [backend.name, backend.target(), prefix]),
      );
      children.push(...pair.map((p) => p.child));
      const urls = await Promise.all(
        pair.map(async (p) => (JSON.parse(await p.first) as { url: string }).url),
      );
      return { pair, urls };
    };
    const balance = async (prefix: string) => {
      const state = await backend.open(backend.target());
      closing.push(state);
      return async () =>
        Number(new TextDecoder().decode((await state.get(`${prefix}balance`)) ?? new Uint8Array()));
    };

    it('SIGKILL after the side effect started: the re-issued request on the other instance does not run it again', async () => {
      const prefix = rprefix();
      const { pair, urls } = await instances(prefix);
      const read = await balance(prefix);
      const toA = await modernClient([urls[0]!]);
      const toB = await modernClient([urls[1]!]);
      closing.push(toA, toB);
      const args = { requestId: 'crash-1', amount: 10, holdMs: 60_000 };
      void toA.callTool({ name: 'transfer', arguments: args }).catch(() => {});
      for (let i = 0; i < 500 && (await read()) === 0; i++) await sleep(20);
      expect(await read()).toBe(10); // the side effect happened in A
      pair[0]!.child.kill('SIGKILL');
      const reissued = await toB.callTool({ name: 'transfer', arguments: args });
      expect(reissued.isError).toBe(true);
      expect(status(reissued)).toBe('outcome_unknown');
      expect(text(reissued)).toMatch(/stopped without recording an outcome/);
      const again = await toB.callTool({ name: 'transfer', arguments: args });
      expect(status(again)).toBe('outcome_unknown'); // stable until resultTtlMs, never a rerun
      expect(await read()).toBe(10);
    }, 60_000);

    it('SIGKILL after the outcome was recorded: the re-issued request gets that outcome', async () => {
      const prefix = rprefix();
      const { pair, urls } = await instances(prefix);
      const read = await balance(prefix);
      const toA = await modernClient([urls[0]!]);
      const toB = await modernClient([urls[1]!]);
      closing.push(toA, toB);
      const args = { requestId: 'crash-2', amount: 3, holdMs: 0 };
      const first = await toA.callTool({ name: 'transfer', arguments: args });
      pair[0]!.child.kill('SIGKILL');
      const reissued = await toB.callTool({ name: 'transfer', arguments: args });
      expect(status(reissued)).toBe('replayed');
      expect(text(reissued)).toBe(text(first)); // names A's pid: recorded there
      expect(await read()).toBe(3);
    }, 60_000);

    it('event bus: events published in another process reach a listener here; none of 1,000 lost', async () => {
      const prefix = rprefix('bus');
      const state = await backend.open(backend.target());
      closing.push(state);
      const bus = createStateEventBus(state, { prefix });
      closing.push(bus);
      const got: { uri: string; at: number }[] = [];
      bus.subscribe((e: ServerEvent) => {
        if (e.kind === 'resource_updated') got.push({ uri: e.uri, at: Date.now() });
      });
      await bus.ready();
      const publisher = start('bus-publisher.mjs', [
        backend.name,
        backend.target(),
        prefix,
        '1000',
      ]);
      children.push(publisher.child);
      expect(await publisher.first).toBe('ready');
      publisher.child.stdin!.write('go\n');
      await publisher.next();
      for (let i = 0; i < 1_500 && got.length < 1_000; i++) await sleep(20);
      expect(got.map((g) => g.uri.split('?')[0])).toEqual(
        Array.from({ length: 1_000 }, (_, i) => `file:///${i}`),
      );
      // Then single events, one at a time: the delivery latency a listener sees.
      const latencies: number[] = [];
      for (let n = 1; n <= 20; n++) {
        publisher.child.stdin!.write('one\n');
        await publisher.next();
        for (let i = 0; i < 500 && got.length < 1_000 + n; i++) await sleep(2);
        const last = got.at(-1)!;
        latencies.push(last.at - Number(new URL(last.uri).searchParams.get('t')));
        await sleep(37); // land at varying points of the poll interval
      }
      latencies.sort((a, b) => a - b);
      console.log(
        `[${backend.name}] bus delivery latency across processes (ms): median ${latencies[10]}, max ${latencies[19]}`,
      );
      expect(got).toHaveLength(1_020);
      expect(latencies[10]).toBeLessThan(1_000); // documented: ~poll interval / 2 + a round trip; generous here
      expect(bus.stats.skipped).toBe(0);
    }, 60_000);
  });
}
