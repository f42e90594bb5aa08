import { describe, expect, it } from 'vitest';
import { describeValue } from '../src/backend.js';
import { isStateError, STATE_ERROR_CODES, StateError } from '../src/index.js';

describe('StateError', () => {
  it('has a name, a code, a message and a cause', () => {
    const cause = new Error('socket closed');
    const err = new StateError('ERR_STATE_UNAVAILABLE', '[x] down', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('StateError');
    expect(err.code).toBe('ERR_STATE_UNAVAILABLE');
    expect(err.message).toBe('[x] down');
    expect(err.cause).toBe(cause);
    expect(String(err)).toBe('StateError: [x] down');
    expect('cause' in new StateError('ERR_STATE_CLOSED', 'x')).toBe(false);
  });

  it('lists every code of the contract', () => {
    expect([...STATE_ERROR_CODES].sort()).toEqual(
      [
        'ERR_STATE_INVALID_KEY',
        'ERR_STATE_INVALID_VALUE',
        'ERR_STATE_INVALID_TTL',
        'ERR_STATE_INVALID_ARGUMENT',
        'ERR_STATE_NOT_A_COUNTER',
        'ERR_STATE_OUT_OF_RANGE',
        'ERR_STATE_CONFIG',
        'ERR_STATE_CLOSED',
        'ERR_STATE_UNAVAILABLE',
        'ERR_STATE_SERIALIZATION',
        'ERR_STATE_BACKEND',
      ].sort(),
    );
  });
});

describe('isStateError', () => {
  it('checks the class and optionally the code', () => {
    const err = new StateError('ERR_STATE_CLOSED', 'closed');
    expect(isStateError(err)).toBe(true);
    expect(isStateError(err, 'ERR_STATE_CLOSED')).toBe(true);
    expect(isStateError(err, 'ERR_STATE_CONFIG')).toBe(false);
  });

  it('recognises an error from a duplicate copy of the package (name and code, not instanceof)', () => {
    class StateError extends Error {
      override readonly name = 'StateError';
      constructor(
        readonly code: string,
        message: string,
      ) {
        super(message);
      }
    }
    const foreign = new StateError('ERR_STATE_UNAVAILABLE', 'from the CJS copy');
    expect(isStateError(foreign)).toBe(true);
    expect(isStateError(foreign, 'ERR_STATE_UNAVAILABLE')).toBe(true);
    // A plain object that crossed a boundary (structured clone, worker) counts too.
    expect(isStateError({ name: 'StateError', code: 'ERR_STATE_BACKEND', message: 'x' })).toBe(
      true,
    );
  });

  it('rejects look-alikes', () => {
    expect(isStateError(new Error('x'))).toBe(false);
    expect(isStateError({ name: 'StateError', code: 'ERR_SOMETHING_ELSE' })).toBe(false);
    expect(isStateError({ name: 'Error', code: 'ERR_STATE_CONFIG' })).toBe(false);
    expect(isStateError(null)).toBe(false);
    expect(isStateError('StateError')).toBe(false);
  });
});

describe('describeValue', () => {
  it('renders values short and without dumping objects', () => {
    expect(describeValue('a'.repeat(100))).toMatch(/…" \(100 chars\)$/);
    expect(describeValue(1)).toBe('number 1');
    expect(describeValue(new Uint8Array(3))).toBe('Uint8Array(3)');
    expect(describeValue({ secret: 'hunter2' })).toBe('object');
    expect(describeValue(new Map())).toBe('Map object');
    expect(describeValue([1, 2])).toBe('array(2)');
  });
});

describe('one error class across copies', () => {
  it('instanceof holds between the ESM and the CJS build (and isStateError still works)', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const cjs = require('../dist/index.cjs') as typeof import('../src/index.js');
    const esm = (await import('../dist/index.js')) as unknown as typeof import('../src/index.js');
    expect(cjs.StateError).not.toBe(esm.StateError);
    const fromEsm = new esm.StateError('ERR_STATE_CLOSED', 'x');
    const fromCjs = new cjs.StateError('ERR_STATE_UNAVAILABLE', 'y');
    expect(fromEsm instanceof cjs.StateError).toBe(true);
    expect(fromCjs instanceof esm.StateError).toBe(true);
    expect(fromCjs instanceof Error).toBe(true);
    expect(cjs.isStateError(fromEsm, 'ERR_STATE_CLOSED')).toBe(true);
    expect(new Error('plain') instanceof esm.StateError).toBe(false);
    expect(
      Object.assign(new Error('x'), { code: 'ERR_STATE_CLOSED' }) instanceof esm.StateError,
    ).toBe(false);
  });
});
