import { type Codec, jsonCodec, type StateManager } from '@pforge/state-core';
import { describeValue } from '@pforge/state-core/backend';
import { digestOf, idOf } from './digest.js';
import { IdempotencyError, invalidOption, positiveInt } from './errors.js';
import { FencingTokens } from './fence.js';
import type {
  Idempotency,
  IdempotencyOptions,
  IdempotentCall,
  IdempotentOutcome,
  IdempotentRequest,
} from './idempotency-types.js';
import { Lease, type LeaseTarget } from './lease.js';
import { type DoneRecord, encodeDone, encodeRunning, type RunningRecord } from './record.js';
import { waitFor } from './wait.js';

interface Settings extends Omit<LeaseTarget, 'key'> {
  prefix: string;
  codec: Codec<unknown>;
  fence: FencingTokens;
  waitMs: number;
  maxPollIntervalMs: number;
}

const WHERE = 'createIdempotency';
const MAX_KEY_LENGTH = 255;

function resolveSettings(state: StateManager, o: IdempotencyOptions): Settings {
  const leaseTtlMs = positiveInt(o.leaseTtlMs, 10_000, 'leaseTtlMs', WHERE);
  const renewIntervalMs = positiveInt(
    o.renewIntervalMs,
    Math.max(1, Math.floor(leaseTtlMs / 3)),
    'renewIntervalMs',
    WHERE,
  );
  if (renewIntervalMs >= leaseTtlMs)
    invalidOption(WHERE, '`renewIntervalMs` must be below `leaseTtlMs`');
  const recordTtlMs = positiveInt(o.resultTtlMs, 86_400_000, 'resultTtlMs', WHERE);
  if (recordTtlMs < leaseTtlMs) invalidOption(WHERE, '`resultTtlMs` must be at least `leaseTtlMs`');
  if (o.prefix !== undefined && typeof o.prefix !== 'string')
    invalidOption(WHERE, '`prefix` must be a string');
  const prefix = o.prefix ?? 'idem:';
  const fencingBlock = positiveInt(o.fencingBlock, 64, 'fencingBlock', WHERE);
  return {
    state,
    prefix,
    fence: new FencingTokens(state, `${prefix}fence`, fencingBlock),
    codec: o.codec ?? jsonCodec,
    leaseTtlMs,
    renewIntervalMs,
    recordTtlMs,
    waitMs: positiveInt(o.waitMs, 5_000, 'waitMs', WHERE),
    maxPollIntervalMs: positiveInt(o.maxPollIntervalMs, 200, 'maxPollIntervalMs', WHERE),
    onError: o.onError ?? (() => {}),
  };
}

function recordKeyOf(
  s: Settings,
  r: Pick<IdempotentRequest<unknown>, 'key' | 'principal' | 'scope'>,
): string {
  if (typeof r.key !== 'string' || r.key.length === 0 || r.key.length > MAX_KEY_LENGTH) {
    throw new IdempotencyError(
      'key_missing',
      `the idempotency key must be a string of 1 to ${MAX_KEY_LENGTH} characters (got ${describeValue(r.key)})`,
    );
  }
  return `${s.prefix}r:${idOf(r.scope ?? '', r.principal ?? 'anonymous', r.key)}`;
}

/**
 * Idempotent execution over any backend: a claim by `compareAndSwap` holding a renewed lease,
 * fencing tokens from `increment`, outcomes kept `resultTtlMs`. See the README's
 * "Guarantees" for what a retry gets after a crash.
 * @example
 * const idem = createIdempotency(state, { resultTtlMs: 3_600_000 });
 * const { value, replayed } = await idem.run({ key, fingerprint: args }, () => charge(args));
 */
export function createIdempotency(
  state: StateManager,
  options: IdempotencyOptions = {},
): Idempotency {
  const s = resolveSettings(state, options);
  return {
    run: (request, fn) => run(s, request, fn),
    forget: async (request) => s.state.delete(recordKeyOf(s, request)),
  };
}

async function run<T>(
  s: Settings,
  request: IdempotentRequest<T>,
  fn: (call: IdempotentCall) => Promise<T>,
): Promise<IdempotentOutcome<T>> {
  const key = recordKeyOf(s, request);
  const digest = digestOf(request.fingerprint ?? null);
  const deadline = Date.now() + s.waitMs;
  for (;;) {
    request.signal?.throwIfAborted(); // the caller is gone before anything started
    const fencingToken = await s.fence.claim();
    const running: RunningRecord = {
      s: 'run',
      d: digest,
      t: fencingToken,
      x: Date.now() + s.leaseTtlMs,
    };
    const bytes = encodeRunning(running);
    if (await s.state.compareAndSwap(key, undefined, bytes, { ttl: s.recordTtlMs })) {
      return execute(s, key, request, running, bytes, fn);
    }
    const seen = await waitFor(s, key, digest, request, deadline);
    if (seen === undefined) continue; // released or expired meanwhile: claim again
    if (seen.record.s === 'done') {
      return replay(seen.record, codecOf(s, request).decode(seen.outcome ?? new Uint8Array()));
    }
    return takeOver(s, key, request, seen.record, seen.bytes, fn);
  }
}

function replay<T>(r: DoneRecord, value: T): IdempotentOutcome<T> {
  return { value, replayed: true, fencingToken: r.t, completedAt: r.at };
}

const codecOf = <T>(s: Settings, request: IdempotentRequest<T>): Codec<T> =>
  request.codec ?? (s.codec as Codec<T>);

/** A lapsed claim: refuse, or (with `recover`) take it over with a new token. */
async function takeOver<T>(
  s: Settings,
  key: string,
  request: IdempotentRequest<T>,
  lapsed: RunningRecord,
  lapsedBytes: Uint8Array,
  fn: (call: IdempotentCall) => Promise<T>,
): Promise<IdempotentOutcome<T>> {
  const { recover } = request;
  if (recover === undefined) {
    throw new IdempotencyError(
      'outcome_unknown',
      `the call holding idempotency key ${describeValue(request.key)} stopped without recording an outcome (its lease lapsed); its side effect may or may not have happened, so it is not run again`,
    );
  }
  const fencingToken = await s.fence.takeover();
  const running: RunningRecord = { ...lapsed, t: fencingToken, x: Date.now() + s.leaseTtlMs };
  const bytes = encodeRunning(running);
  if (!(await s.state.compareAndSwap(key, lapsedBytes, bytes, { ttl: s.recordTtlMs }))) {
    return run(s, request, fn); // another duplicate took it over first: wait on that one
  }
  const step = async (call: IdempotentCall): Promise<T> => {
    const recovered = await recover({ ...call, previousToken: lapsed.t });
    return recovered === undefined ? fn(call) : recovered.value;
  };
  return execute(s, key, request, running, bytes, step);
}

/** What the running call sees (its lease's signal is only made if it is read). */
function callOf(key: string, fencingToken: number, lease: Lease): IdempotentCall {
  return {
    key,
    fencingToken,
    get signal() {
      return lease.signal;
    },
  };
}

/** Runs the claimed call under a renewed lease and records its outcome. */
async function execute<T>(
  s: Settings,
  key: string,
  request: IdempotentRequest<T>,
  running: RunningRecord,
  bytes: Uint8Array,
  fn: (call: IdempotentCall) => Promise<T>,
): Promise<IdempotentOutcome<T>> {
  const lease = new Lease({ ...s, key }, running, bytes);
  let value: T;
  try {
    value = await fn(callOf(request.key, running.t, lease));
  } catch (err) {
    await release(s, key, lease);
    throw err;
  }
  if (request.record !== undefined && !request.record(value)) {
    await release(s, key, lease);
    return { value, replayed: false, fencingToken: running.t, completedAt: Date.now() };
  }
  await lease.stop();
  const done: DoneRecord = { s: 'done', d: running.d, t: running.t, at: Date.now() };
  const outcome = encodeDone(done, codecOf(s, request).encode(value));
  if (!(await writeOutcome(s, key, lease, outcome))) {
    throw new IdempotencyError(
      'lease_lost',
      `the claim on idempotency key ${describeValue(request.key)} was taken over or removed while the call ran, so its outcome was not recorded`,
    );
  }
  return { value, replayed: false, fencingToken: running.t, completedAt: done.at };
}

/**
 * Records the outcome over our claim. Only a takeover may replace a claim, and only once its
 * lease has lapsed: while at least half the lease is left, a plain `set` (which backends can
 * batch, where a compare-and-swap is a transaction of its own) is as safe as a swap.
 */
async function writeOutcome(
  s: Settings,
  key: string,
  lease: Lease,
  bytes: Uint8Array,
): Promise<boolean> {
  if (!lease.isLost && lease.expiresAt - Date.now() >= s.leaseTtlMs / 2) {
    await s.state.set(key, bytes, { ttl: s.recordTtlMs });
    return true;
  }
  return s.state.compareAndSwap(key, lease.current, bytes, { ttl: s.recordTtlMs });
}

/** Gives the key back (nothing recorded) so a retry runs again. */
async function release(s: Settings, key: string, lease: Lease): Promise<void> {
  await lease.stop();
  try {
    await s.state.compareAndSwap(key, lease.current, undefined);
  } catch (err) {
    // The claim then lapses into `outcome_unknown`: the safe side, as nothing says the
    // side effect did not happen.
    s.onError(err);
  }
}
