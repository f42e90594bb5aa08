import { StateError, type StateManager } from '@pforge/state-core';
import {
  configError,
  createManager,
  describeValue,
  type GuardedCall,
  namespacePrefix,
} from '@pforge/state-core/backend';
import { acquireEnvironment, releaseEnvironment } from './environment.js';
import type { DirectoryCounts } from './inspect.js';
import { createLmdbOperations, type LmdbOperations } from './operations.js';
import { type LmdbStateOptions, lmdbOptions, type ResolvedLmdbOptions } from './options.js';
import { SOURCE } from './source.js';
import type { Environment } from './store.js';

/** A {@link StateManager} on LMDB, with extras for operators and tests. */
export interface LmdbState extends StateManager {
  /** The real path of the directory. */
  readonly path: string;
  /**
   * Runs one sweep of expired keys now (all namespaces of the directory), at most
   * `limit` keys; resolves how many expiry-index entries it processed.
   * @default limit 1000
   */
  sweepExpired(limit?: number): Promise<number>;
  /** Entry counts of the whole directory (all namespaces): records and expiry-index entries. */
  stats(): Promise<DirectoryCounts>;
}

/**
 * Opens a manager on the LMDB directory at `options.path` (created when missing). Managers
 * and processes opening the same directory share its data; within one process they share one
 * LMDB environment and one write queue. Options are validated before any I/O
 * (`ERR_STATE_CONFIG` naming the option); a directory that cannot be opened is
 * `ERR_STATE_CONFIG` or `ERR_STATE_BACKEND` naming the path.
 * @example
 * await using state = await createLmdbState({ path: './.pforge/state', namespace: 'my-server' });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 */
export async function createLmdbState(options: LmdbStateOptions): Promise<LmdbState> {
  return openLmdbState(lmdbOptions.parse(options));
}

/** {@link createLmdbState} with options already validated (the backend definition's `create`). */
export async function openLmdbState(options: ResolvedLmdbOptions): Promise<LmdbState> {
  const env = acquireEnvironment(options);
  const ns = namespacePrefix(options.namespace);
  // Longest key + namespace prefix + expiry header must fit LMDB's key limit.
  const most = env.maxKeyBytes - 1024 - 8;
  if (Buffer.byteLength(ns) > most) {
    await releaseEnvironment(env);
    throw configError(SOURCE, [
      {
        path: 'options.namespace',
        message: `is too long for LMDB keys (${Buffer.byteLength(ns)} bytes escaped; at most ${most})`,
      },
    ]);
  }
  return buildManager(env, options.namespace, createLmdbOperations(env, ns));
}

/** The manager: core's base around the engine, with the LMDB extras. */
function buildManager(env: Environment, namespace: string, ops: LmdbOperations): LmdbState {
  return createManager({
    source: SOURCE,
    backend: 'lmdb',
    namespace,
    operations: { ...ops, close: () => releaseEnvironment(env) },
    // Writes (and the reads issued while writes wait) run in the ordered group-commit queue.
    keepsIssueOrder: true,
    settlesLocally: true,
    extend: (guard: GuardedCall) => ({
      path: env.path,
      sweepExpired: (limit: number = 1000) =>
        guard('sweepExpired', () => ops.sweepExpired(checkLimit(limit))),
      stats: () => guard('stats', ops.stats),
    }),
  });
}

function checkLimit(limit: unknown): number {
  if (!Number.isSafeInteger(limit) || (limit as number) < 1) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] limit of sweepExpired() must be a positive integer (got ${describeValue(limit)})`,
    );
  }
  return limit as number;
}
