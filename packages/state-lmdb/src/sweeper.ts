import { type ExpiryKey, isLive, recordExpiresAt } from './record.js';
import { SOURCE } from './source.js';
import type { Environment, Sweeper } from './store.js';

/**
 * Processes up to `limit` due expiry-index entries (bucket at or before `now`), reading only
 * the due part of the index (live keys are never scanned), and removes their records when
 * expired. Runs in one write transaction, so any number of processes may sweep the same
 * directory: each record is checked inside the transaction, and one re-written since is kept.
 * Resolves how many index entries were processed (`limit` means there may be more).
 */
export function sweepExpired(env: Environment, limit: number): Promise<number> {
  try {
    env.fresh();
    // Nothing due in the current snapshot: no write transaction at all.
    const due = env.expiry.getKeys({ ...dueRange(Date.now()), limit: 1 });
    if (Array.from(due).length === 0) return Promise.resolve(0);
    return env.queue.run((now) => sweepDue(env, limit, now));
  } catch (err) {
    return Promise.reject(err);
  }
}

const dueRange = (now: number): { start: ExpiryKey; end: ExpiryKey } => ({
  start: { expiresAt: 0, key: '' },
  end: { expiresAt: now + 1, key: '' },
});

/** The sweep step, inside a group's write transaction. */
function sweepDue(env: Environment, limit: number, now: number): number {
  const due = Array.from(env.expiry.getKeys({ ...dueRange(now), limit }));
  for (const entry of due) {
    const record = env.records.getBinaryFast(entry.key);
    // Due entries may be stale (the key was re-written since): remove only what is expired.
    if (record !== undefined && !isLive(recordExpiresAt(record), now)) {
      env.records.remove(entry.key);
    }
    env.expiry.remove(entry);
  }
  return due.length;
}

/**
 * Sweeps every `intervalMs` (timer unref'd: it never keeps the process alive), at most
 * `limit` keys per transaction; after a full batch the next one starts at once so a backlog
 * drains in bounded steps while other work goes on between them.
 */
export function startSweeper(env: Environment, intervalMs: number, limit: number): Sweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  let warned = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    running = sweepExpired(env, limit).then(
      (n) => schedule(n >= limit ? 0 : intervalMs),
      (err: unknown) => {
        if (!warned && !stopped) {
          warned = true;
          process.emitWarning(
            `[${SOURCE}] background sweep of ${JSON.stringify(env.path)} failed (retrying every ${intervalMs} ms): ${(err as Error)?.message}`,
            { code: 'PFORGE_STATE_SWEEP' },
          );
        }
        schedule(intervalMs);
      },
    );
  };
  schedule(intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
