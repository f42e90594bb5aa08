import { describe, expect, it } from 'vitest';
import { attachStateInfo, STATE_INFO } from '../src/backend.js';
import { inspectState, isStateError, type StateManager, stateInfo } from '../src/index.js';

const bare = {} as StateManager;

describe('stateInfo / inspectState', () => {
  it('reads what a backend attached, and hides the slot from enumeration', async () => {
    const m = attachStateInfo({} as StateManager, {
      backend: 'x',
      source: '@acme/x',
      namespace: 'ns',
      settlesLocally: true,
      inspect: async () => ({ used_bytes: 42 }),
    });
    expect(stateInfo(m)).toEqual({
      backend: 'x',
      source: '@acme/x',
      namespace: 'ns',
      settlesLocally: true,
    });
    expect(Object.keys(m)).toEqual([]);
    expect((m as unknown as Record<symbol, unknown>)[STATE_INFO]).toBeDefined();
    expect(await inspectState(m)).toMatchObject({ backend: 'x', details: { used_bytes: 42 } });
  });

  it('is undefined for a manager that says nothing; inspectState rejects with a code', async () => {
    expect(stateInfo(bare)).toBeUndefined();
    const err = await inspectState(bare).catch((e: unknown) => e);
    expect(isStateError(err, 'ERR_STATE_INVALID_ARGUMENT')).toBe(true);
  });

  it('gives empty details for a backend without an inspection', async () => {
    const m = attachStateInfo({} as StateManager, {
      backend: 'y',
      source: 'y',
      namespace: 'pforge',
      settlesLocally: false,
    });
    expect((await inspectState(m)).details).toEqual({});
  });
});
