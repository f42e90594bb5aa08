import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  bytesCodec,
  type Codec,
  jsonCodec,
  type StateManager,
  type TypedView,
  textCodec,
  typed,
} from '../src/index.js';

declare const state: StateManager;

describe('typed() generics', () => {
  it('infers T from the codec', () => {
    expectTypeOf(typed(state, textCodec, { prefix: 'a:' })).toEqualTypeOf<TypedView<string>>();
    expectTypeOf(typed(state, bytesCodec, { prefix: 'a:' })).toEqualTypeOf<TypedView<Uint8Array>>();
    expectTypeOf(typed(state, jsonCodec, { prefix: 'a:' })).toEqualTypeOf<TypedView<unknown>>();
  });

  it('takes T explicitly with the JSON codec', () => {
    const users = typed<{ name: string }>(state, jsonCodec, { prefix: 'u:' });
    expectTypeOf(users.get).returns.resolves.toEqualTypeOf<{ name: string } | undefined>();
    expectTypeOf(users.set).parameter(1).toEqualTypeOf<{ name: string }>();
    // @ts-expect-error: a number is not a user
    void users.set('1', 5);
  });

  it('infers T from a schema', () => {
    const schema = z.object({ name: z.string(), age: z.number() });
    const users = typed(state, jsonCodec, { prefix: 'u:', schema });
    expectTypeOf(users).toEqualTypeOf<TypedView<{ name: string; age: number }>>();
    expectTypeOf(users.update)
      .parameter(1)
      .parameter(0)
      .toEqualTypeOf<{ name: string; age: number } | undefined>();
  });

  it('refuses a codec of another type', () => {
    // @ts-expect-error: the text codec holds strings, not numbers
    typed<number>(state, textCodec, { prefix: '' });
    // @ts-expect-error: the schema's output must match the codec's type
    typed(state, textCodec, { prefix: '', schema: z.number() });
  });

  it('Codec is invariant in T', () => {
    expectTypeOf(textCodec).toEqualTypeOf<Codec<string>>();
    expectTypeOf<Codec<string>>().not.toMatchTypeOf<Codec<unknown>>();
    expectTypeOf<Codec<unknown>>().not.toMatchTypeOf<Codec<string>>();
  });

  it('update takes sync or async functions and returns T | undefined', () => {
    const n = typed<number>(state, jsonCodec, { prefix: '' });
    expectTypeOf(n.update('k', (c) => (c ?? 0) + 1)).toEqualTypeOf<Promise<number | undefined>>();
    expectTypeOf(n.update('k', async () => undefined, { ttl: 5 })).toEqualTypeOf<
      Promise<number | undefined>
    >();
  });
});
