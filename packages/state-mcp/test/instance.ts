import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, inputRequired, McpServer } from '@modelcontextprotocol/server';
import type { StateManager } from '@pforge/state-core';
import { z } from 'zod';
import {
  createIdempotency,
  createSingleUseRequestState,
  createStateEventBus,
  idempotentTool,
  type StateEventBus,
} from '../src/index.js';
import { sleep } from './targets.js';

/** One MCP server instance (SDK v2 handler on a real HTTP port) on a shared store. */
export interface Instance {
  url: string;
  bus: StateEventBus;
  notify: ReturnType<typeof createMcpHandler>['notify'];
  close(): Promise<void>;
}

export const RS_KEY = 'a test key that is long enough for HMAC-SHA256 ok';

/**
 * Tools: `transfer` (idempotent, key in argument `requestId`, adds `amount` to a counter and
 * then takes `holdMs`), `charge` (idempotent, key in `_meta`), `plain` (not wrapped), and
 * `redeem` (asks for confirmation, then redeems its single-use requestState once).
 */
export async function startInstance(state: StateManager, prefix: string): Promise<Instance> {
  const idem = createIdempotency(state, { prefix: `${prefix}idem:`, waitMs: 15_000 });
  const bus = createStateEventBus(state, { prefix: `${prefix}bus:`, pollIntervalMs: 20 });
  const rs = createSingleUseRequestState<{ amount: number }>(state, {
    key: RS_KEY,
    prefix: `${prefix}rs:`,
  });
  const counter = `${prefix}balance`;
  const factory = () => {
    const server = new McpServer(
      { name: 'state-mcp-test', version: '1.0.0' },
      {
        capabilities: { resources: { subscribe: true, listChanged: true } },
        requestState: { verify: rs.verify },
      },
    );
    const transferSchema = z.object({
      requestId: z.string(),
      amount: z.number(),
      holdMs: z.number().optional(),
    });
    server.registerTool(
      'transfer',
      { inputSchema: transferSchema },
      idempotentTool(
        idem,
        { name: 'transfer', keyArgument: 'requestId' },
        async ({ amount, holdMs }) => {
          const balance = await state.increment(counter, amount);
          if (holdMs) await sleep(holdMs);
          return {
            content: [{ type: 'text', text: `balance ${balance}` }],
            structuredContent: { balance },
          };
        },
      ),
    );
    server.registerTool(
      'charge',
      { inputSchema: z.object({ amount: z.number() }) },
      idempotentTool(idem, { name: 'charge' }, async ({ amount }, _ctx, call) => {
        const balance = await state.increment(counter, amount);
        return {
          content: [{ type: 'text', text: `charged ${amount} with token ${call.fencingToken}` }],
          structuredContent: { balance },
        };
      }),
    );
    server.registerTool(
      'plain',
      { inputSchema: z.object({ amount: z.number() }) },
      async ({ amount }) => {
        const balance = await state.increment(counter, amount);
        return { content: [{ type: 'text', text: `balance ${balance}` }] };
      },
    );
    server.registerTool(
      'redeem',
      { inputSchema: z.object({ amount: z.number() }) },
      async ({ amount }, ctx) => {
        const out = await rs.redeem(
          ctx,
          async (payload) => state.increment(counter, payload.amount),
          {
            request: { amount },
          },
        );
        if (out === undefined) {
          return inputRequired({
            inputRequests: {
              confirm: inputRequired.elicit({
                message: `Pay ${amount}?`,
                requestedSchema: z.object({ ok: z.boolean() }),
              }),
            },
            requestState: await rs.mint({ amount }, ctx, { request: { amount } }),
          });
        }
        return {
          content: [
            { type: 'text', text: `balance ${out.value}${out.replayed ? ' (replayed)' : ''}` },
          ],
        };
      },
    );
    return server;
  };
  const handler = createMcpHandler(factory, { bus });
  const http: Server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    bus,
    notify: handler.notify,
    close: async () => {
      await handler.close();
      await bus.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** A `fetch` that sends each request to the next of `urls` in turn (a round-robin balancer). */
export function roundRobin(urls: string[]): typeof fetch {
  let i = 0;
  return (input, init) => {
    const target = new URL(urls[i++ % urls.length]!);
    const url = new URL(input instanceof Request ? input.url : String(input));
    url.host = target.host;
    return fetch(url, init);
  };
}

/** A v2 client pinned to 2026-07-28 whose requests go round-robin over `urls`. */
export async function modernClient(urls: string[]): Promise<Client> {
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: { elicitation: {} } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(urls[0]!), { fetch: roundRobin(urls) }),
  );
  return client;
}
