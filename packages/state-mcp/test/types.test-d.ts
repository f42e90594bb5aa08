import { McpServer, type ServerEventBus } from '@modelcontextprotocol/server';
import type { StateManager } from '@pforge/state-core';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import {
  createHandleStore,
  createIdempotency,
  createSingleUseRequestState,
  createStateEventBus,
  type Handle,
  type IdempotentOutcome,
  idempotentTool,
} from '../src/index.js';

declare const state: StateManager;
const idem = createIdempotency(state);
const server = new McpServer({ name: 't', version: '1' });
const inputSchema = z.object({ requestId: z.string(), amount: z.number() });

// The wrapped handler takes its argument types from the tool's schema, and the key argument
// must be one of them.
server.registerTool(
  'transfer',
  { inputSchema },
  idempotentTool(idem, { name: 'transfer', keyArgument: 'requestId' }, async (args, _ctx, call) => {
    expectTypeOf(args).toEqualTypeOf<{ requestId: string; amount: number }>();
    expectTypeOf(call.fencingToken).toBeNumber();
    return { content: [{ type: 'text', text: String(args.amount) }] };
  }),
);
server.registerTool(
  'transfer2',
  { inputSchema },
  // @ts-expect-error `nope` is not an argument of the tool
  idempotentTool(idem, { name: 'transfer2', keyArgument: 'nope' }, async () => ({ content: [] })),
);

// run() infers the outcome type from the call.
expectTypeOf(idem.run({ key: 'k' }, async () => ({ n: 1 }))).toEqualTypeOf<
  Promise<IdempotentOutcome<{ n: number }>>
>();

// Handles carry their data type; the bus is the SDK's.
const carts = createHandleStore<{ items: string[] }>(state, { kind: 'cart' });
expectTypeOf(carts.get('sub:ada', 'cart_x')).toEqualTypeOf<
  Promise<Handle<{ items: string[] }> | undefined>
>();
expectTypeOf(createStateEventBus(state)).toMatchTypeOf<ServerEventBus>();

// A redemption resolves the callback's type, or undefined for a round without state.
const rs = createSingleUseRequestState<{ amount: number }>(state, { key: 'k'.repeat(32) });
declare const ctx: Parameters<typeof rs.redeem>[0];
expectTypeOf(rs.redeem(ctx, async (p) => p.amount * 2)).toEqualTypeOf<
  Promise<IdempotentOutcome<number> | undefined>
>();
