import { randomBytes } from 'node:crypto';
import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import { MAX_TTL_MS, type StateManager } from '@pforge/state-core';
import { invalidOption, positiveInt } from './errors.js';
import { Poller, type StoredEvent } from './event-poller.js';

/** Options of {@link createStateEventBus}. */
export interface StateEventBusOptions {
  /** Prepended to the keys of the bus (`<prefix>seq`, `<prefix>e:<n>`). Instances share a bus by sharing it. @default 'bus:' */
  prefix?: string;
  /**
   * How often a bus with listeners reads the store for events of other instances, in ms: the
   * typical delivery latency is about half of it plus one backend round trip. Shorter costs
   * one more `getMany` per interval per instance.
   * @default 50
   */
  pollIntervalMs?: number;
  /** How long a published event stays readable, in ms (a listener further behind loses it). @default 60000 */
  retentionMs?: number;
  /**
   * How long a taken sequence number whose event is not written yet holds back delivery, in
   * ms, before it is skipped (its publisher died between taking the number and writing).
   * @default 2000
   */
  gapTimeoutMs?: number;
  /** Most events read in one `getMany`. @default 256 */
  batchSize?: number;
  /** Called with failed writes or reads and with errors thrown by listeners. @default ignore them */
  onError?: (error: Error) => void;
}

/** Counts since the bus was created. */
export interface StateEventBusStats {
  /** Events published by this instance. */
  published: number;
  /** Events of other instances delivered to this instance's listeners. */
  received: number;
  /** Sequence numbers given up on (see `gapTimeoutMs`). */
  skipped: number;
}

/** A `ServerEventBus` shared by every instance on one store; see {@link createStateEventBus}. */
export interface StateEventBus extends ServerEventBus {
  /**
   * Resolves once this instance reads the shared sequence (its first listener subscribes, then
   * one backend round trip): events published anywhere after that reach its listeners.
   */
  ready(): Promise<void>;
  /** Resolves once every event published so far is written to the store. */
  flush(): Promise<void>;
  /** Stops polling, drops the listeners, and flushes. Idempotent. */
  close(): Promise<void>;
  /** Counts since creation. */
  readonly stats: Readonly<StateEventBusStats>;
}

const WHERE = 'createStateEventBus';
type Listener = (event: ServerEvent) => void;
const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/**
 * A `ServerEventBus` (the SDK's `subscriptions/listen` seam) over any backend, so a change
 * published on one server instance reaches listeners on every instance. `publish` delivers to
 * this instance's listeners at once and appends the event to a shared sequence (`increment`,
 * then an entry kept `retentionMs`); each instance with listeners polls the sequence with
 * `getMany` and delivers what other instances published (never its own again). Events are
 * delivered in sequence order, at most once per instance. Timers are unref'd and run only
 * while a listener is subscribed.
 * @example
 * const bus = createStateEventBus(state);
 * const handler = createMcpHandler(factory, { bus });
 * handler.notify.toolsChanged(); // reaches `subscriptions/listen` streams on every instance
 */
export function createStateEventBus(
  state: StateManager,
  options: StateEventBusOptions = {},
): StateEventBus {
  const prefix = options.prefix ?? 'bus:';
  if (typeof prefix !== 'string') invalidOption(WHERE, '`prefix` must be a string');
  const retentionMs = positiveInt(options.retentionMs, 60_000, 'retentionMs', WHERE);
  if (retentionMs > MAX_TTL_MS)
    invalidOption(WHERE, `\`retentionMs\` must be at most ${MAX_TTL_MS}`);
  const onError = options.onError ?? (() => {});
  const origin = randomBytes(12).toString('base64url');
  const seqKey = `${prefix}seq`;
  const entryKey = (n: number) => `${prefix}e:${n}`;
  const listeners = new Set<Listener>();
  const writes = new Set<Promise<void>>();
  const stats: StateEventBusStats = { published: 0, received: 0, skipped: 0 };
  let dispatching: Listener | undefined;
  let closed = false;

  /** Calls every listener but `skip` (the one publishing from inside its own dispatch). */
  const deliver = (event: ServerEvent, skip: Listener | undefined) => {
    for (const listener of listeners) {
      if (listener === skip) continue;
      dispatching = listener;
      try {
        listener(event);
      } catch (err) {
        onError(asError(err));
      } finally {
        dispatching = undefined;
      }
    }
  };
  // A publish from inside a dispatch is queued, not delivered in the middle of it: every
  // listener then sees events in the order they were published (the sequence's order).
  const queue: [ServerEvent, Listener | undefined][] = [];
  let draining = false;
  const enqueue = (event: ServerEvent, skip: Listener | undefined) => {
    queue.push([event, skip]);
    if (draining) return;
    draining = true;
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) deliver(...next);
    } finally {
      draining = false;
    }
  };
  const poller = new Poller({
    state,
    seqKey,
    entryKey,
    origin,
    pollIntervalMs: positiveInt(options.pollIntervalMs, 50, 'pollIntervalMs', WHERE),
    gapTimeoutMs: positiveInt(options.gapTimeoutMs, 2_000, 'gapTimeoutMs', WHERE),
    batchSize: positiveInt(options.batchSize, 256, 'batchSize', WHERE),
    deliver: (event) => enqueue(event, undefined),
    onError,
    count: (what) => {
      stats[what]++;
    },
  });
  const append = async (bytes: Uint8Array) => {
    const n = await state.increment(seqKey);
    await state.set(entryKey(n), bytes, { ttl: retentionMs });
  };

  return {
    publish(event) {
      if (closed) return onError(new Error(`[@pforge/state-mcp] publish after close() is dropped`));
      stats.published++;
      const stored: StoredEvent = { o: origin, e: event };
      const write = append(new TextEncoder().encode(JSON.stringify(stored))).catch((err: unknown) =>
        onError(asError(err)),
      );
      writes.add(write);
      void write.finally(() => writes.delete(write));
      enqueue(event, dispatching);
    },
    subscribe(listener) {
      if (closed) return () => {};
      listeners.add(listener);
      if (listeners.size === 1) poller.start();
      let live = true;
      return () => {
        if (!live) return;
        live = false;
        listeners.delete(listener);
        if (listeners.size === 0) poller.stop();
      };
    },
    ready: () => poller.ready,
    flush: async () => {
      await Promise.all([...writes]);
    },
    async close() {
      closed = true;
      listeners.clear();
      poller.stop();
      await Promise.all([...writes]);
    },
    stats,
  };
}
