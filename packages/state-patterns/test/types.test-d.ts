import type { StateManager } from '@pforge/state-core';
import { textCodec } from '@pforge/state-core';
import { expectTypeOf } from 'vitest';
import {
  type CachingLayer,
  createCachingLayer,
  createFixedWindowLimiter,
  createSessions,
  getOrCompute,
  type RateLimitResult,
  type Session,
} from '../src/index.js';

declare const state: StateManager;

// getOrCompute infers the value type from the computation, sync or async.
expectTypeOf(getOrCompute(state, 'k', () => 1)).toEqualTypeOf<Promise<number>>();
expectTypeOf(getOrCompute(state, 'k', async () => ({ a: 'x' }))).toEqualTypeOf<
  Promise<{ a: string }>
>();
// A codec must fit the value type.
expectTypeOf(getOrCompute(state, 'k', () => 'text', { codec: textCodec })).toEqualTypeOf<
  Promise<string>
>();
// @ts-expect-error a text codec cannot store numbers
getOrCompute(state, 'k', () => 1, { codec: textCodec });

// Sessions carry their data type through every method.
const sessions = createSessions<{ userId: string }>(state);
expectTypeOf(sessions.get('id')).toEqualTypeOf<Promise<Session<{ userId: string }> | undefined>>();
// @ts-expect-error the updater must return the session's data type
sessions.update('id', () => ({ user: 1 }));

expectTypeOf(createFixedWindowLimiter(state, { limit: 1, windowMs: 1 }).consume('a')).toEqualTypeOf<
  Promise<RateLimitResult>
>();
expectTypeOf(createCachingLayer(state)).toEqualTypeOf<CachingLayer>();
expectTypeOf<CachingLayer>().toMatchTypeOf<StateManager>();
