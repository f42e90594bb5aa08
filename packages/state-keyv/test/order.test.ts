import type { StateManager } from '@pforge/state-core';
import { createMemoryState } from '@pforge/state-memory';
import { expect, it } from 'vitest';
import { createKeyvAdapter } from '../src/index.js';

/** A real manager whose method calls are logged, in the order they reach it, then run. */
function recorded(state: StateManager, log: string[]): StateManager {
  return new Proxy(state, {
    get(target, name, receiver) {
      const member = Reflect.get(target, name, receiver);
      if (typeof member !== 'function' || typeof name !== 'string') return member;
      return (...args: unknown[]) => {
        log.push(`${name}(${typeof args[0] === 'string' ? args[0] : '…'})`);
        return member.apply(target, args);
      };
    },
  });
}

it('hands each call to the manager at once, in issue order, so the manager orders them', async () => {
  const state = await createMemoryState();
  try {
    const log: string[] = [];
    const adapter = createKeyvAdapter(recorded(state, log));
    const calls = [
      adapter.set('o', 'first'),
      adapter.delete('o'),
      adapter.setMany([{ key: 'o', value: 'second' }]),
      adapter.has('o'),
      adapter.set('o', 'third', 60_000),
      adapter.clear(),
      adapter.getMany(['o']),
    ];
    const read = adapter.get('o');
    expect(log).toEqual([
      'set(o)',
      'delete(o)',
      'setMany(…)',
      'exists(o)',
      'set(o)',
      'clear(…)',
      'getMany(…)',
      'get(o)',
    ]);
    await Promise.all(calls);
    expect(await read).toBeUndefined(); // issued after clear()
  } finally {
    await state.close();
  }
});
