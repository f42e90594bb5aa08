import { randomBytes } from 'node:crypto';
import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import { MAX_TTL_MS, type StateManager } from '@pforge/state-core';
import { invalidOption, positiveInt, SOURCE } from './errors.js';
import { Poller, type PollerSettings, type StoredEvent } from './event-poller.js';

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

/** A listener, and the one it must skip (the listener that published from inside its delivery). */
type Queued = [ServerEvent, Listener | undefined];

class SharedEventBus implements StateEventBus {
  readonly stats: StateEventBusStats = { published: 0, received: 0, skipped: 0 };
  private readonly origin = randomBytes(12).toString('base64url');
  private readonly listeners = new Set<Listener>();
  private readonly writes = new Set<Promise<void>>();
  private readonly queue: Queued[] = [];
  private readonly poller: Poller;
  private dispatching: Listener | undefined;
  private draining = false;
  private closed = false;

  constructor(
    private readonly state: StateManager,
    private readonly prefix: string,
    private readonly retentionMs: number,
    private readonly onError: (error: Error) => void,
    polling: Pick<PollerSettings, 'pollIntervalMs' | 'gapTimeoutMs' | 'batchSize'>,
  ) {
    this.poller = new Poller({
      ...polling,
      state,
      seqKey: `${prefix}seq`,
      entryKey: (n) => `${prefix}e:${n}`,
      origin: this.origin,
      deliver: (event) => this.enqueue(event, undefined),
      onError,
      count: (what) => {
        this.stats[what]++;
      },
    });
  }

  readonly publish = (event: ServerEvent): void => {
    if (this.closed) {
      this.onError(new Error(`[${SOURCE}] publish after close() is dropped`));
      return;
    }
    this.stats.published++;
    const stored: StoredEvent = { o: this.origin, e: event };
    const write = this.append(new TextEncoder().encode(JSON.stringify(stored))).catch(
      (err: unknown) => this.onError(asError(err)),
    );
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
    this.enqueue(event, this.dispatching);
  };

  readonly subscribe = (listener: Listener): (() => void) => {
    if (this.closed) return () => {};
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.poller.start();
    let live = true;
    return () => {
      if (!live) return;
      live = false;
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.poller.stop();
    };
  };

  readonly ready = (): Promise<void> => this.poller.ready;

  readonly flush = async (): Promise<void> => {
    await Promise.all([...this.writes]);
  };

  readonly close = async (): Promise<void> => {
    this.closed = true;
    this.listeners.clear();
    this.poller.stop();
    await this.flush();
  };

  /** Takes the next sequence number, then writes the entry under it. */
  private async append(bytes: Uint8Array): Promise<void> {
    const n = await this.state.increment(`${this.prefix}seq`);
    await this.state.set(`${this.prefix}e:${n}`, bytes, { ttl: this.retentionMs });
  }

  // A publish from inside a delivery is queued, not delivered in the middle of it: every
  // listener then sees events in the order they were published (the sequence's order).
  private enqueue(event: ServerEvent, skip: Listener | undefined): void {
    this.queue.push([event, skip]);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        this.deliver(...next);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Calls every listener but `skip`; a throwing listener does not stop the others. */
  private deliver(event: ServerEvent, skip: Listener | undefined): void {
    for (const listener of this.listeners) {
      if (listener === skip) continue;
      this.dispatching = listener;
      try {
        listener(event);
      } catch (err) {
        this.onError(asError(err));
      } finally {
        this.dispatching = undefined;
      }
    }
  }
}

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
  if (retentionMs > MAX_TTL_MS) {
    invalidOption(WHERE, `\`retentionMs\` must be at most ${MAX_TTL_MS}`);
  }
  return new SharedEventBus(state, prefix, retentionMs, options.onError ?? (() => {}), {
    pollIntervalMs: positiveInt(options.pollIntervalMs, 50, 'pollIntervalMs', WHERE),
    gapTimeoutMs: positiveInt(options.gapTimeoutMs, 2_000, 'gapTimeoutMs', WHERE),
    batchSize: positiveInt(options.batchSize, 256, 'batchSize', WHERE),
  });
}
