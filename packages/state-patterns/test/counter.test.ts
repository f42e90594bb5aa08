import { isStateError } from '@pforge/state-core';
import { expect, it } from 'vitest';
import { counter } from '../src/index.js';
import { forEachTarget, rkey, sleep } from './targets.js';

forEachTarget((h) => {
  it('200 concurrent increments from 3 managers are exact', async () => {
    const managers = await h.openMany(3);
    const key = rkey('counter');
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => counter(managers[i % 3]!, key).increment()),
    );
    expect(await counter(managers[0]!, key).get()).toBe(200);
    expect(new Set(results).size).toBe(200); // every call saw its own value: none applied twice
  });

  it('increments, decrements, reads and resets', async () => {
    const c = counter(await h.open(), rkey('counter'));
    expect(await c.get()).toBe(0);
    expect(await c.increment(5)).toBe(5);
    expect(await c.decrement()).toBe(4);
    expect(await c.decrement(10)).toBe(-6);
    await c.reset();
    expect(await c.get()).toBe(0);
  });

  it('gives the ttl on create only', async () => {
    const state = await h.open();
    const c = counter(state, rkey('counter'), { ttl: 400 });
    await c.increment();
    await sleep(100);
    await c.increment(); // does not extend the expiry
    await sleep(450);
    expect(await c.get()).toBe(0);
  });

  it('rejects a non-integer step and a non-counter value', async () => {
    const state = await h.open();
    const key = rkey('counter');
    await expect(counter(state, key).increment(1.5)).rejects.toSatisfy((e) =>
      isStateError(e, 'ERR_STATE_INVALID_ARGUMENT'),
    );
    await state.set(key, new TextEncoder().encode('abc'));
    await expect(counter(state, key).get()).rejects.toSatisfy((e) =>
      isStateError(e, 'ERR_STATE_NOT_A_COUNTER'),
    );
  });
});
