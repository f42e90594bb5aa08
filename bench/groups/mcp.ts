/**
 * mcp group: tools/call per second through the SDK v2 handler (`createMcpHandler(...).fetch`,
 * in process, no sockets: what one instance's handler costs), for a plain tool against the same
 * tool wrapped by @pforge/state-mcp's `idempotentTool`, on LMDB (default durability) and on
 * Redis, one call at a time and 64 in flight. The tool's body is one `increment` on the store
 * (a side effect worth guarding); the wrapped calls use a fresh idempotency key each (the
 * first-execution path: a `compareAndSwap` claim, then a `set` recording the outcome; fencing
 * tokens come from one `increment` per 64 claims). A replayed duplicate, the wrapper's two store
 * calls alone (no handler), and LMDB without fsync (`durability: 'none'`, where a write costs
 * little next to the handler) are shown for reference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import type { StateManager } from '@pforge/state-core';
import { createLmdbState } from '@pforge/state-lmdb';
import { createIdempotency, idempotentTool } from '@pforge/state-mcp';
import { createRedisState } from '@pforge/state-redis';
import { z } from 'zod';
import { type BenchCase, inFlight, runWorkloads, type Workload } from '../harness.js';
import { startServer } from '../redis-server.js';

const SEQ = 100;
const IN_FLIGHT = 64;
const IN_FLIGHT_TOTAL = 640;
const PLAIN = 'plain tool';
const WRAPPED = 'idempotentTool (new key each call)';

const HEADERS = {
  accept: 'application/json, text/event-stream',
  'content-type': 'application/json',
  'mcp-method': 'tools/call',
  'mcp-protocol-version': '2026-07-28',
};
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

type Call = (tool: string, args: Record<string, unknown>) => Promise<void>;

/** A handler whose tools `plain` and `wrapped` both increment a counter on `state`. */
function handlerOn(state: StateManager): Call {
  const idem = createIdempotency(state, { prefix: 'bench-idem:', resultTtlMs: 600_000 });
  const inputSchema = z.object({ requestId: z.string(), amount: z.number() });
  const body = async ({ amount }: z.infer<typeof inputSchema>) => {
    const n = await state.increment('bench-balance', amount);
    return { content: [{ type: 'text' as const, text: `balance ${n}` }] };
  };
  const handler = createMcpHandler(() => {
    const server = new McpServer({ name: 'bench', version: '1.0.0' });
    server.registerTool('plain', { inputSchema }, body);
    server.registerTool(
      'wrapped',
      { inputSchema },
      idempotentTool(idem, { name: 'wrapped', keyArgument: 'requestId' }, body),
    );
    return server;
  });
  let id = 0;
  return async (tool, args) => {
    const params = { name: tool, arguments: args, _meta: ENVELOPE };
    const res = await handler.fetch(
      new Request('http://bench/mcp', {
        method: 'POST',
        headers: { ...HEADERS, 'mcp-name': tool },
        body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params }),
      }),
    );
    const text = await res.text();
    if (res.status !== 200 || text.includes('"isError":true'))
      throw new Error(`call failed: ${text}`);
  };
}

let keys = 0;
const ops = {
  plain: (call: Call) => () => call('plain', { requestId: 'unused', amount: 1 }),
  wrapped: (call: Call) => () => call('wrapped', { requestId: `k${keys++}`, amount: 1 }),
  replayed: (call: Call) => () => call('wrapped', { requestId: 'always-the-same', amount: 1 }),
  /** The wrapper's two store calls for one first execution, without the handler. */
  storeOnly: (state: StateManager) => {
    const bytes = new Uint8Array(120).fill(1);
    const done = new Uint8Array(200).fill(2);
    return async () => {
      const key = `bench-ref:${keys++}`;
      await state.compareAndSwap(key, undefined, bytes, { ttl: 600_000 });
      await state.set(key, done, { ttl: 600_000 });
    };
  },
};

const seq = (name: string, op: () => Promise<unknown>): BenchCase => ({
  name,
  run: async () => {
    for (let n = 0; n < SEQ; n++) await op();
    return SEQ;
  },
});
const par = (name: string, op: () => Promise<unknown>): BenchCase => ({
  name,
  run: () => inFlight(IN_FLIGHT, IN_FLIGHT_TOTAL, op),
});

function workloads(backend: string, state: StateManager): Workload[] {
  const call = handlerOn(state);
  return [
    [seq, 'sequential'],
    [par, `${IN_FLIGHT} in flight`],
  ].map(([wrap, how]) => {
    const w = wrap as typeof seq;
    return {
      name: `tools/call, ${backend}, ${how}`,
      baseline: PLAIN,
      setup: () => call('wrapped', { requestId: 'always-the-same', amount: 1 }),
      cases: [
        w(PLAIN, ops.plain(call)),
        w(WRAPPED, ops.wrapped(call)),
        w('(reference) idempotentTool, replayed duplicate', ops.replayed(call)),
        w("(reference) the wrapper's 2 store calls alone", ops.storeOnly(state)),
      ],
    };
  });
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mcp-'));
  const lmdb = await createLmdbState({ path: join(dir, 'fsync'), namespace: 'bench-mcp' });
  const lmdbNoSync = await createLmdbState({
    path: join(dir, 'none'),
    namespace: 'bench-mcp',
    durability: 'none',
  });
  const server = await startServer();
  const redis = await createRedisState({ url: server.url, namespace: 'bench-mcp' });
  try {
    await runWorkloads([
      ...workloads('LMDB', lmdb),
      ...workloads('Redis', redis),
      ...workloads("LMDB durability 'none'", lmdbNoSync),
    ]);
  } finally {
    await lmdb.close();
    await lmdbNoSync.close();
    await redis.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
