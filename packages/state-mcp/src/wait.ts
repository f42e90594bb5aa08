import { setTimeout as sleep } from 'node:timers/promises';
import type { StateManager } from '@pforge/state-core';
import { describeValue } from '@pforge/state-core/backend';
import { IdempotencyError } from './errors.js';
import { decodeRecord, type StoredRecord } from './record.js';

/** What a duplicate waits with. */
export interface WaitSettings {
  state: StateManager;
  maxPollIntervalMs: number;
}

/** A record a duplicate can act on: finished, or a claim whose lease lapsed. */
export interface Settled extends StoredRecord {
  bytes: Uint8Array;
}

/**
 * Waits until the record of `key` is finished or its claim lapsed (resolves it), or is gone
 * (resolves `undefined`: the caller claims again). Refuses a different digest at once, and
 * gives up with `in_progress` at `deadline`.
 */
export async function waitFor(
  s: WaitSettings,
  key: string,
  digest: string,
  request: { key: string; signal?: AbortSignal | undefined },
  deadline: number,
): Promise<Settled | undefined> {
  for (let pause = 10; ; pause = Math.min(pause * 2, s.maxPollIntervalMs)) {
    const bytes = await s.state.get(key);
    if (bytes === undefined) return undefined;
    const stored = decodeRecord(bytes);
    const { record } = stored;
    if (record.d !== digest) {
      throw new IdempotencyError(
        'key_reused',
        `idempotency key ${describeValue(request.key)} was first used with different arguments`,
      );
    }
    const now = Date.now();
    if (record.s === 'done' || record.x <= now) return { ...stored, bytes };
    if (now >= deadline) {
      throw new IdempotencyError(
        'in_progress',
        `a call with idempotency key ${describeValue(request.key)} is still in progress; retry later with the same key`,
      );
    }
    const ms = Math.max(1, Math.min(pause, deadline - now, record.x - now + 1));
    await sleep(ms, undefined, request.signal ? { signal: request.signal } : undefined);
  }
}
