import { randomBytes } from 'node:crypto';
import {
  isStateError,
  STATE_ERROR_CODES,
  type StateErrorCode,
  type StateManager,
} from '@pforge/state-core';
import { DATA_METHODS } from '@pforge/state-core/backend';
import { afterEach, expect } from 'vitest';
import type { ConformanceTarget } from './target.js';

/** What every concern file gets: the target, its resolved options and a few helpers. */
export interface Harness {
  readonly target: ConformanceTarget;
  readonly name: string;
  readonly atomicBatches: boolean;
  readonly shortTtlMs: number;
  readonly slackMs: number;
  readonly slowMs: number;
  readonly modelRuns: number;
  readonly maxCommands: number;
  readonly fuzzRuns: number;
  readonly seed: number | undefined;
  /** A fresh random namespace (optionally ending with `suffix`). */
  namespace(suffix?: string): string;
  /** A fresh random key. */
  key(label?: string): string;
  /** Opens a manager (fresh namespace unless given); closed after the test. */
  open(namespace?: string): Promise<StateManager>;
}

/** Builds the harness and registers the hook that closes every manager a test opened. */
export function createHarness(target: ConformanceTarget): Harness {
  const opened: StateManager[] = [];
  afterEach(async () => {
    const all = opened.splice(0);
    await Promise.all(all.map((m) => m.close()));
  });
  const t = target.timing ?? {};
  const f = target.fastCheck ?? {};
  const atomic = target.capabilities?.atomicBatches ?? true;
  return {
    target,
    name: target.name,
    atomicBatches: atomic,
    shortTtlMs: t.shortTtlMs ?? 50,
    slackMs: t.slackMs ?? 150,
    slowMs: t.slowTestTimeoutMs ?? 60_000,
    modelRuns: f.modelRuns ?? 30,
    maxCommands: f.maxCommands ?? 40,
    fuzzRuns: f.fuzzRuns ?? 300,
    seed: f.seed,
    namespace: (suffix = '') => `cf-${randomBytes(5).toString('hex')}${suffix}`,
    key: (label = 'k') => `${label}-${randomBytes(5).toString('hex')}`,
    open: async (namespace) => {
      const m = await target.create({
        namespace: namespace ?? `cf-${randomBytes(5).toString('hex')}`,
      });
      opened.push(m);
      return m;
    },
  };
}

const encoder = new TextEncoder();
const MAX_LISTED = 20_000;

/** The UTF-8 bytes of `text`. */
export const bytes = (text: string): Uint8Array => encoder.encode(text);

/** Hex of `b` (or `undefined`), for readable equality diffs. */
export function hex(b: Uint8Array | undefined): string | undefined {
  return b === undefined
    ? undefined
    : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Asserts `actual` is a `Uint8Array` holding exactly `expected`. */
export function expectBytes(actual: unknown, expected: Uint8Array | string): void {
  const want = typeof expected === 'string' ? bytes(expected) : expected;
  expect(actual, 'expected a Uint8Array').toBeInstanceOf(Uint8Array);
  expect(hex(actual as Uint8Array)).toBe(hex(want));
}

/** Sleeps `ms` (real timers). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `call` and asserts it returns a promise (no synchronous throw) that rejects with a
 * `StateError` whose code is `code` (or one of them) and whose message contains `mentions`.
 */
export async function expectRejects(
  call: () => unknown,
  code: StateErrorCode | readonly StateErrorCode[],
  mentions?: string,
): Promise<Error> {
  const err = await settleError(call);
  const codes: readonly string[] = typeof code === 'string' ? [code] : code;
  expect(err, 'expected the call to reject').toBeDefined();
  expect(isStateError(err), `expected a StateError, got ${String(err)}`).toBe(true);
  expect(err).toBeInstanceOf(Error);
  expect(codes, `unexpected code; message: ${(err as Error).message}`).toContain(
    (err as { code: string }).code,
  );
  expect(typeof (err as Error).message).toBe('string');
  if (mentions !== undefined) expect((err as Error).message).toContain(mentions);
  return err as Error;
}

/**
 * Calls `call`; fails on a synchronous throw or a non-promise result; resolves the rejection
 * reason, or `undefined` when the promise resolved.
 */
export async function settleError(call: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = call();
  } catch (err) {
    throw new Error(`threw synchronously instead of returning a rejected promise: ${String(err)}`);
  }
  expect(result, 'expected a promise').toBeInstanceOf(Promise);
  try {
    await result;
    return undefined;
  } catch (err) {
    return err ?? new Error('rejected with a nullish reason');
  }
}

/** Whether `err` is a StateError with one of the known codes. */
export const isKnownStateError = (err: unknown): boolean =>
  isStateError(err) && (STATE_ERROR_CODES as readonly string[]).includes(err.code);

/** Every live key of `m` (optionally under `prefix`), sorted. */
export async function listKeys(m: StateManager, prefix?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of m.keys(prefix === undefined ? undefined : { prefix })) {
    out.push(k);
    // No namespace of the suite holds this many: a keys() that never ends fails, not hangs.
    if (out.length > MAX_LISTED) throw new Error(`keys() yielded more than ${MAX_LISTED} keys`);
  }
  return out.sort();
}

/** The whole namespace of `m`: key -> hex value and whether it has an expiry. */
export async function snapshot(m: StateManager): Promise<Record<string, string>> {
  const keys = await listKeys(m);
  const values = await m.getMany(keys);
  const ttls = await Promise.all(keys.map((k) => m.ttl(k)));
  const out: Record<string, string> = {};
  keys.forEach((k, i) => {
    const ttl = ttls[i];
    out[k] =
      `${hex(values[i]) ?? 'absent'}|${ttl === null ? 'no-expiry' : ttl === undefined ? 'absent' : 'expires'}`;
  });
  return out;
}

/** Every data method of {@link StateManager} (all but `close`), for the junk-argument tests. */
export const METHODS = DATA_METHODS;

/** One of {@link METHODS}. */
export type Method = (typeof METHODS)[number];

/** Calls `m[method](...args)` unchecked; a `keys()` iterable is drained into one promise. */
export function invoke(m: StateManager, method: Method, args: unknown[]): unknown {
  const fn = (m as unknown as Record<Method, (...a: unknown[]) => unknown>)[method];
  if (method !== 'keys') return fn.apply(m, args);
  const iterable = fn.apply(m, args) as AsyncIterable<string>;
  return (async () => {
    for await (const _ of iterable);
  })();
}
