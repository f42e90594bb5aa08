import { runConformanceSuite } from '@pforge/state-conformance';
import { createStateManager, isStateError } from '@pforge/state-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppDir } from './app-dir.js';

const app = createAppDir();
const store = `factory-${process.pid}`;
afterAll(() => app.remove());

describe('loading @acme/state-kv by package name through createStateManager', () => {
  it('opens a working manager from a state: block', async () => {
    await using a = await createStateManager(
      { backend: '@acme/state-kv', namespace: 'app', store },
      { cwd: app.dir },
    );
    await using b = await createStateManager(
      { backend: '@acme/state-kv', namespace: 'app', store },
      { cwd: app.dir },
    );
    await a.set('greeting', new TextEncoder().encode('hi'));
    expect(new TextDecoder().decode(await b.get('greeting'))).toBe('hi');
  });

  it('reports an unknown option as ERR_STATE_CONFIG with its path and a did-you-mean', async () => {
    const err = await createStateManager(
      { backend: '@acme/state-kv', stor: 'x' },
      { cwd: app.dir },
    ).catch((e: unknown) => e);
    expect(isStateError(err, 'ERR_STATE_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('state.stor');
    expect((err as Error).message).toContain('store');
  });

  it('says how to install a backend package that is not installed', async () => {
    const err = await createStateManager({ backend: '@acme/state-kx' }, { cwd: app.dir }).catch(
      (e: unknown) => e,
    );
    expect(isStateError(err, 'ERR_STATE_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('npm install @acme/state-kx');
  });
});

// The whole suite again, on managers the factory opened from the built package.
runConformanceSuite({
  name: '@acme/state-kv via createStateManager',
  create: ({ namespace }) =>
    createStateManager({ backend: '@acme/state-kv', namespace, store }, { cwd: app.dir }),
});
