import { type Codec, StateError, type StateManager } from '@pforge/state-core';
import { SOURCE } from './errors.js';

/** A call that holds the claim: its lease ends at `x` unless renewed. */
export interface RunningRecord {
  s: 'run';
  /** Arguments digest. */
  d: string;
  /** Fencing token. */
  t: number;
  /** Lease end, epoch ms. */
  x: number;
}

/** A finished call and its outcome. */
export interface DoneRecord {
  s: 'done';
  d: string;
  t: number;
  /** Completed at, epoch ms. */
  at: number;
  /** The outcome. */
  r: unknown;
}

/** What an idempotency key's record holds. */
export type IdempotencyRecord = RunningRecord | DoneRecord;

/** Decodes a stored record; anything unexpected is `ERR_STATE_SERIALIZATION`. */
export function decodeRecord(codec: Codec<unknown>, bytes: Uint8Array): IdempotencyRecord {
  const r = codec.decode(bytes) as Partial<IdempotencyRecord> | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.d === 'string' &&
    typeof r.t === 'number' &&
    ((r.s === 'run' && typeof r.x === 'number') || (r.s === 'done' && typeof r.at === 'number'));
  if (!ok) {
    throw new StateError(
      'ERR_STATE_SERIALIZATION',
      `[${SOURCE}] an idempotency record has an unexpected shape (a key shared with other data?)`,
    );
  }
  return r as IdempotencyRecord;
}

/** Where a lease lives and how it is written. */
export interface LeaseTarget {
  state: StateManager;
  key: string;
  codec: Codec<unknown>;
  leaseTtlMs: number;
  renewIntervalMs: number;
  /** TTL of the record itself (a lapsed lease keeps blocking re-execution this long). */
  recordTtlMs: number;
  onError: (err: unknown) => void;
}

/**
 * The claim a running call holds: renewed on an unref'd timer by compare-and-swap, so a
 * renewal after a takeover fails and aborts `signal` instead of stealing the key back.
 */
export class Lease {
  /** The record bytes now stored (what the next compare-and-swap expects). */
  current: Uint8Array;
  /** When the lease ends unless renewed, epoch ms (by this instance's clock). */
  expiresAt: number;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setInterval>;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly target: LeaseTarget,
    private readonly record: RunningRecord,
    bytes: Uint8Array,
  ) {
    this.current = bytes;
    this.expiresAt = record.x;
    this.timer = setInterval(() => this.renew(), target.renewIntervalMs);
    this.timer.unref?.();
  }

  /** Aborted when the lease is lost (taken over, deleted or expired unseen). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private renew(): void {
    if (this.renewing || this.controller.signal.aborted) return;
    const { state, key, codec, leaseTtlMs, recordTtlMs } = this.target;
    const x = Date.now() + leaseTtlMs;
    const next = codec.encode({ ...this.record, x });
    this.renewing = state
      .compareAndSwap(key, this.current, next, { ttl: recordTtlMs })
      .then(
        (ok) => {
          if (ok) {
            this.current = next;
            this.expiresAt = x;
          } else this.controller.abort(leaseLost());
        },
        // A failed renewal is retried on the next tick; the lease has slack for that.
        (err: unknown) => this.target.onError(err),
      )
      .finally(() => {
        this.renewing = undefined;
      });
  }

  /** Stops renewing and waits for a renewal in flight, so `current` is final. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }
}

function leaseLost(): StateError {
  return new StateError('ERR_STATE_BACKEND', `[${SOURCE}] the idempotency lease was lost`);
}
