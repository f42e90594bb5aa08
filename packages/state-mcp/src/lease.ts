import { StateError, type StateManager } from '@pforge/state-core';
import { SOURCE } from './errors.js';
import { encodeRunning, type RunningRecord } from './record.js';

/** Where a lease lives and how it is written. */
export interface LeaseTarget {
  state: StateManager;
  key: string;
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
  private controller: AbortController | undefined;
  private lost = false;
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

  /** Whether a renewal found the claim gone or replaced. */
  get isLost(): boolean {
    return this.lost;
  }

  /** Aborted when the lease is lost (taken over, deleted or expired unseen). */
  get signal(): AbortSignal {
    // Created on first use: most calls never look, and an AbortController is not free.
    this.controller ??= new AbortController();
    if (this.lost && !this.controller.signal.aborted) this.controller.abort(leaseLost());
    return this.controller.signal;
  }

  private renew(): void {
    if (this.renewing || this.lost) return;
    const { state, key, leaseTtlMs, recordTtlMs } = this.target;
    const x = Date.now() + leaseTtlMs;
    const next = encodeRunning({ ...this.record, x });
    this.renewing = state
      .compareAndSwap(key, this.current, next, { ttl: recordTtlMs })
      .then(
        (ok) => {
          if (ok) {
            this.current = next;
            this.expiresAt = x;
          } else {
            this.lost = true;
            this.controller?.abort(leaseLost());
          }
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
