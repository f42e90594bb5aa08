import type { StateManager } from '@pforge/state-core';

/** What a backend declares it can do. Every declared gap gets its own clearly named test. */
export interface ConformanceCapabilities {
  /**
   * `setMany`/`deleteMany` are all-or-nothing and never seen half-done. When `false`, the
   * atomicity tests are replaced by one test that requires {@link batchAtomicityNote}.
   * @default true
   */
  atomicBatches?: boolean;
  /**
   * Where and how the backend documents its weaker batch guarantee (required when
   * `atomicBatches` is `false`).
   * @example 'README "Guarantees": on Redis Cluster each hash slot\'s part is atomic'
   */
  batchAtomicityNote?: string;
  /**
   * Writes made through ANOTHER manager are seen only within this many ms, not at once (a
   * cache in front of the store, e.g. the caching layer's `maxAgeMs`); a manager still sees
   * its own writes at once. When set, the visibility test instead checks that another
   * manager's writes show within this bound (plus `slackMs`), and requires
   * {@link visibilityNote}.
   * @default undefined (seen at once)
   */
  crossManagerVisibilityMs?: number;
  /** Where and how the backend documents its bounded visibility (required with `crossManagerVisibilityMs`). */
  visibilityNote?: string;
}

/** Timing slack for the expiry tests. Raise it for slow or remote stores. */
export interface ConformanceTiming {
  /** The short TTL the expiry tests use, in ms. @default 50 */
  shortTtlMs?: number;
  /** How long past a short TTL the suite waits before expecting the key gone, in ms. @default 150 */
  slackMs?: number;
  /** Timeout of every other test, in ms (vitest's own default of 5 s is tight for a remote store). @default 20000 */
  testTimeoutMs?: number;
  /** Timeout of the slow tests (concurrency, 16 MiB values, model, fuzz), in ms. @default 60000 */
  slowTestTimeoutMs?: number;
}

/** How hard the fast-check tests push. Keep it modest for remote stores. */
export interface ConformanceFastCheck {
  /** Runs of the model-based test. @default 30 */
  modelRuns?: number;
  /** Longest command sequence of one model run. @default 40 */
  maxCommands?: number;
  /** Calls of the bad-input fuzz test. @default 300 */
  fuzzRuns?: number;
  /** A fixed seed to replay a failure (fast-check prints it). */
  seed?: number;
}

/** A backend under test. */
export interface ConformanceTarget {
  /** Shown in every test name. @example 'memory', 'redis-cluster' */
  name: string;
  /**
   * Opens a manager on THE SAME underlying store for every call within one test file
   * (same memory store, same LMDB path, same Redis), with the given namespace. The suite
   * uses a fresh random namespace per test and closes every manager it opened.
   */
  create(options: { namespace: string }): StateManager | Promise<StateManager>;
  /** Runs after all tests (stop servers, remove directories). */
  teardown?(): Promise<void>;
  /** What the backend guarantees; gaps are declared here, never silently skipped. */
  capabilities?: ConformanceCapabilities;
  /** Timing slack of the expiry tests. */
  timing?: ConformanceTiming;
  /** Sizes of the property-based tests. */
  fastCheck?: ConformanceFastCheck;
}
