import type { Codec } from '@pforge/state-core';

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
  /** Encodes outcomes (use the same one for a key every time). @default core's `jsonCodec` (`Date`, `Map`, `Set`, `BigInt` survive) */
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
  /** Encodes this call's outcome (the same one for a key every time). @default the store's `codec` */
  codec?: Codec<T>;
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
