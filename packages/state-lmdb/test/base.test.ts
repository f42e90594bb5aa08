import { type StateTraceContext, stateTracingChannel } from '@pforge/state-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbState } from '../src/index.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const bytes = (s: string) => new TextEncoder().encode(s);

describe("on core's manager base", () => {
  it('an LMDB get fires the pforge:state:get tracing channel, with the backend and namespace', async () => {
    const seen: StateTraceContext[] = [];
    const channel = stateTracingChannel('get');
    const ignore = () => undefined;
    const handlers = {
      start: ignore,
      end: ignore,
      asyncStart: ignore,
      error: ignore,
      asyncEnd: (ctx: StateTraceContext) => {
        seen.push(ctx);
      },
    };
    const state = await createLmdbState({ path: tempDir('trace'), namespace: 'traced' });
    channel.subscribe(handlers);
    try {
      await state.set('k', bytes('v'));
      expect(await state.get('k')).toEqual(bytes('v'));
    } finally {
      channel.unsubscribe(handlers);
      await state.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      operation: 'get',
      backend: 'lmdb',
      namespace: 'traced',
      keyCount: 1,
      attributes: { 'db.system.name': 'lmdb', 'db.namespace': 'traced' },
    });
    expect(seen[0]!.result).toEqual(bytes('v'));
  });

  it('sweepExpired rejects a bad limit with ERR_STATE_INVALID_ARGUMENT, and works detached', async () => {
    const state = await createLmdbState({ path: tempDir('extras'), sweepIntervalMs: 0 });
    try {
      const { sweepExpired, stats, path } = state;
      for (const limit of [0, -1, 1.5, '10', Number.NaN]) {
        await expect(sweepExpired(limit as number)).rejects.toMatchObject({
          code: 'ERR_STATE_INVALID_ARGUMENT',
          message: expect.stringContaining('limit of sweepExpired() must be a positive integer'),
        });
      }
      await state.set('gone', bytes('x'), { ttl: 1 });
      await new Promise((r) => setTimeout(r, 20));
      await expect(sweepExpired()).resolves.toBe(1);
      await expect(stats()).resolves.toEqual({ records: 0, expiryIndex: 0 });
      expect(path).toBe(state.path);
    } finally {
      await state.close();
    }
    await expect(state.stats()).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
  });
});
