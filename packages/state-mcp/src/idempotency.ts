import { type Codec, describeValue, jsonCodec, type StateManager } from '@pforge/state-core';
import { digestOf, idOf } from './digest.js';
import { IdempotencyError, invalidOption, positiveInt } from './errors.js';
import { FencingTokens } from './fence.js';
import {
  type DoneRecord,
  type IdempotencyRecord,
  Lease,
  type LeaseTarget,
  type RunningRecord,
} from './lease.js';
import { waitFor } from './wait.js';

/** Options of {@link createIdempotency}. */
export interface IdempotencyOptions {
  /** Prepended to every key this store writes (records and the fencing counter). @default 'idem:' */
  prefix?: string;
  /**
   * How long a claim stays valid without renewal, in ms. The running call renews it every
   * `renewIntervalMs`; a call whose instance died is known dead this long after its last
   * renewal. Longer tolerates longer backend stalls; shorter reports a crash sooner.
   * @default 10000
   */
  leaseTtlMs?: number;
  /** How often a running call renews its lease, in ms. @default leaseTtlMs / 3 */
  renewIntervalMs?: number;
  /**
   * How long an outcome (and a lapsed claim) is kept, in ms: a retry within this time gets
   * the recorded outcome; after it the key is free again.
   * @default 86400000 (24 hours)
   */
  resultTtlMs?: number;
  /**
   * How long a duplicate that arrives while the first call runs waits for its outcome, in ms,
   * before it is refused with reason `in_progress`.
   * @default 5000
   */
  waitMs?: number;
  /**
   * How many fencing tokens an instance reserves with one `increment` (1: one backend call per
   * claim). Tokens stay unique across instances; a takeover's is always the largest yet.
   * @default 64
   */
  fencingBlock?: number;
  /** Longest pause between two reads of a record a duplicate waits on, in ms (it starts at 10). @default 200 */
  maxPollIntervalMs?: number;
  /** Encodes records and outcomes. @default core's `jsonCodec` (`Date`, `Map`, `Set`, `BigInt` survive) */
  codec?: Codec<unknown>;
  /** Called with background errors (a failed lease renewal, a failed release). @default ignore them */
  onError?: (err: unknown) => void;
}

/** What identifies one idempotent call. */
export interface IdempotentRequest<T> {
  /** The caller's idempotency key: 1 to 255 characters. */
  key: string;
  /** Who calls: keys of different principals never meet. @default 'anonymous' */
  principal?: string;
  /** What the key is for, e.g. the tool name: keys of different scopes never meet. @default '' */
  scope?: string;
  /** What a retry must repeat exactly (the arguments); its canonical JSON digest is stored. */
  fingerprint?: unknown;
  /** Stops a duplicate from waiting (not a running call: once claimed, a call runs to its end). */
  signal?: AbortSignal;
  /** Whether to record `value` (false releases the key, e.g. for an unfinished MRTR round). @default always */
  record?: (value: T) => boolean;
  /**
   * Called instead of refusing with `outcome_unknown` when a claim's lease lapsed: this call
   * takes the claim over (with a new fencing token) and asks what happened. Resolve
   * `{ value }` to record it, or `undefined` when the side effect did not happen (then `fn` runs).
   */
  recover?: (call: IdempotentCall & { previousToken: number }) => Promise<{ value: T } | undefined>;
}

/** What the running call is given. */
export interface IdempotentCall {
  /** The idempotency key. */
  key: string;
  /** A number larger than any earlier claim's: pass it to systems that reject stale writers. */
  fencingToken: number;
  /** Aborted when this call's lease is lost (it should stop writing with its token). */
  signal: AbortSignal;
}

/** The outcome of {@link Idempotency.run}. */
export interface IdempotentOutcome<T> {
  /** What the call resolved (now or the first time). */
  value: T;
  /** True when `value` was recorded by an earlier call with the same key. */
  replayed: boolean;
  /** The fencing token of the call that produced `value`. */
  fencingToken: number;
  /** When that call completed, epoch ms. */
  completedAt: number;
}

/** Idempotent execution on a {@link StateManager}; see {@link createIdempotency}. */
export interface Idempotency {
  /**
   * Runs `fn` at most once per (scope, principal, key) across every instance sharing the store:
   * the first call claims the key and runs; a duplicate meanwhile waits for its outcome; a
   * later one gets the recorded outcome with `replayed: true`. A key reused with a different
   * `fingerprint` is refused (`key_reused`). If `fn` throws, nothing is recorded, the key is
   * released and the error is rethrown (a retry runs again).
   */
  run<T>(
    request: IdempotentRequest<T>,
    fn: (call: IdempotentCall) => Promise<T>,
  ): Promise<IdempotentOutcome<T>>;
  /** Deletes the record of a key (an operator's escape hatch for an `outcome_unknown` key). */
  forget(
    request: Pick<IdempotentRequest<unknown>, 'key' | 'principal' | 'scope'>,
  ): Promise<boolean>;
}

interface Settings extends Omit<LeaseTarget, 'key'> {
  prefix: string;
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
    const bytes = s.codec.encode(running);
    if (await s.state.compareAndSwap(key, undefined, bytes, { ttl: s.recordTtlMs })) {
      return execute(s, key, request, running, bytes, fn);
    }
    const seen = await waitFor(s, key, digest, request, deadline);
    if (seen === undefined) continue; // released or expired meanwhile: claim again
    if (seen.record.s === 'done') return replay(seen.record);
    return takeOver(s, key, request, seen.record, seen.bytes, fn);
  }
}

function replay<T>(r: DoneRecord): IdempotentOutcome<T> {
  return { value: r.r as T, replayed: true, fencingToken: r.t, completedAt: r.at };
}

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
  const bytes = s.codec.encode(running);
  if (!(await s.state.compareAndSwap(key, lapsedBytes, bytes, { ttl: s.recordTtlMs }))) {
    return run(s, request, fn); // another duplicate took it over first: wait on that one
  }
  const step = async (call: IdempotentCall): Promise<T> => {
    const recovered = await recover({ ...call, previousToken: lapsed.t });
    return recovered === undefined ? fn(call) : recovered.value;
  };
  return execute(s, key, request, running, bytes, step);
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
    value = await fn({ key: request.key, fencingToken: running.t, signal: lease.signal });
  } catch (err) {
    await release(s, key, lease);
    throw err;
  }
  if (request.record !== undefined && !request.record(value)) {
    await release(s, key, lease);
    return { value, replayed: false, fencingToken: running.t, completedAt: Date.now() };
  }
  await lease.stop();
  const done: DoneRecord = { s: 'done', d: running.d, t: running.t, at: Date.now(), r: value };
  if (!(await writeOutcome(s, key, lease, s.codec.encode(done)))) {
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
  if (!lease.signal.aborted && lease.expiresAt - Date.now() >= s.leaseTtlMs / 2) {
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

export type { IdempotencyRecord };
