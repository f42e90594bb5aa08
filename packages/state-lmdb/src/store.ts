/**
 * The shapes the engine works on: the part of lmdb-js it uses, and one open directory (its
 * environment). Types only, so every module can name them without importing the module that
 * opens environments (no import cycle).
 */
import type { RootDatabase } from 'lmdb';
import type { Durability } from './options.js';
import type { ExpiryKey } from './record.js';
import type { WriteQueue } from './write-queue.js';

/** The part of an lmdb-js database used here, typed for its key type. */
export interface Store<K> {
  /** A reused buffer (or, for large values, a view of the map): valid until the next read. */
  getBinaryFast(key: K): Uint8Array | undefined;
  /** Inside a write transaction: writes at once. */
  put(key: K, value: Buffer): unknown;
  /** Inside a write transaction: removes at once. */
  remove(key: K): unknown;
  getRange(options: {
    start?: K;
    end?: K;
    limit?: number;
  }): Iterable<{ key: K; value: Uint8Array }>;
  getKeys(options: { start?: K; end?: K; limit?: number }): Iterable<K>;
  transactionSync<T>(body: () => T, flags?: number): T;
  resetReadTxn(): void;
  getStats(): LmdbStats;
}

/** What lmdb-js's `getStats()` reports (the part used here). */
export interface LmdbStats {
  /** Entries of this database. */
  entryCount: number;
  /** LMDB's page size, in bytes. */
  pageSize: number;
  /** The current size of the memory map, in bytes. */
  mapSize: number;
  /** The number of the last page in use (pages count from 0). */
  lastPageNumber: number;
}

/** The background sweep of one environment. */
export interface Sweeper {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** One open LMDB directory, shared by every manager of this process that opens it. */
export interface Environment {
  /** The real path of the directory (the registry key). */
  readonly path: string;
  readonly durability: Durability;
  readonly root: RootDatabase;
  /** Records (LMDB's main database): full key (namespace prefix + key) to header + value. */
  readonly records: Store<string>;
  /** Expiry index (the named database `pforge.expiry`): (due time, full key) to nothing. */
  readonly expiry: Store<ExpiryKey>;
  /** The longest key LMDB takes here, in bytes. */
  readonly maxKeyBytes: number;
  /**
   * Makes the next read see every commit acknowledged before the current event-loop task
   * began, in any process: renews the read snapshot once per task (lmdb-js alone may keep
   * one for a millisecond or more).
   */
  fresh(): void;
  /** The group commit of every write (and of reads issued while writes wait). */
  readonly queue: WriteQueue;
  refs: number;
  sweeper: Sweeper | undefined;
}

/**
 * Runs a read body: at once on a fresh snapshot when no write waits, else in the next group
 * commit after those writes (then a promise). `now` is the clock the body reads expiry by.
 */
export type Reading = <T>(body: (now: number) => T) => T | Promise<T>;
