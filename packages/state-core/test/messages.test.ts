// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write ${VAR} references on purpose
import { describe, expect, it } from 'vitest';
import { createStateManager, isValidValue, type StateError } from '../src/index.js';
import { assertValue } from '../src/value.js';

const failure = (config: Record<string, unknown>, env: Record<string, string> = {}) =>
  createStateManager(config, { env }).then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: StateError) => err,
  );

describe('config messages a new user reads', () => {
  it('a backend name in the wrong case gets "did you mean", without length noise', async () => {
    for (const [typed, meant] of [
      ['LMDB', 'lmdb'],
      ['Memory', 'memory'],
      ['REDIS', 'redis'],
      ['Lmbd', 'lmdb'],
    ]) {
      const err = await failure({ backend: typed });
      expect(err.code).toBe('ERR_STATE_CONFIG');
      expect(err.message).toContain(`did you mean \`${meant}\`?`);
      expect(err.message).not.toMatch(/\(\d+ chars\)/);
    }
  });

  it('a bare unknown name suggests no `npm install` of an unrelated package', async () => {
    const err = await failure({ backend: 'rocksdb' });
    expect(err.code).toBe('ERR_STATE_CONFIG');
    expect(err.message).toContain('unknown backend `rocksdb`');
    expect(err.message).not.toContain('npm install');
  });

  it('a scoped package that is missing is still told how to install it', async () => {
    const err = await failure({ backend: '@acme/state-nope' });
    expect(err.message).toContain('npm install @acme/state-nope');
  });

  it('an unset ${VAR} is one problem, not two', async () => {
    const err = await failure({ backend: '${PFORGE_TEST_UNSET_BACKEND}' });
    expect(err.issues).toEqual([
      {
        path: 'state.backend',
        message: expect.stringContaining('`PFORGE_TEST_UNSET_BACKEND` is not set'),
      },
    ]);
  });
});

describe('detached values', () => {
  it('a view of a transferred buffer is not a value: ERR_STATE_INVALID_VALUE saying why', () => {
    const v = new Uint8Array([1, 2, 3]);
    structuredClone(v.buffer, { transfer: [v.buffer] });
    expect(isValidValue(v)).toBe(false);
    expect(isValidValue(new Uint8Array(0))).toBe(true);
    expect(() => assertValue(v, 'k')).toThrow(
      expect.objectContaining({
        code: 'ERR_STATE_INVALID_VALUE',
        message: expect.stringContaining('detached'),
      }),
    );
  });
});
