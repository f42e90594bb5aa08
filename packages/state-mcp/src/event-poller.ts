import type { ServerEvent } from '@modelcontextprotocol/server';
import type { StateManager } from '@pforge/state-core';
import { decodeCounter } from '@pforge/state-core/backend';
import { SOURCE } from './errors.js';

/** One stored event: who published it and what. */
export interface StoredEvent {
  /** Origin: the publishing bus instance. */
  o: string;
  e: ServerEvent;
}

/** What the poller needs from its bus. */
export interface PollerSettings {
  state: StateManager;
  seqKey: string;
  entryKey: (n: number) => string;
  origin: string;
  pollIntervalMs: number;
  gapTimeoutMs: number;
  batchSize: number;
  deliver: (event: ServerEvent) => void;
  onError: (err: Error) => void;
  /** Counts for the bus's `stats`. */
  count: (what: 'received' | 'skipped', n?: number) => void;
}

const decoder = new TextDecoder();
const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/**
 * Reads the shared sequence while started: each round is one `getMany` of the head counter
 * and the entries after the last one delivered. A sequence number whose entry is not there
 * yet (taken by a publisher that has not written it) holds delivery back, in order, for up
 * to `gapTimeoutMs`; then it is skipped (its publisher died, or it outlived its retention).
 */
export class Poller {
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The next sequence number to deliver; undefined until the first round reads the head. */
  private next: number | undefined;
  private lastHead = 0;
  /** Sequence numbers seen taken but not yet written, with when that was first seen. */
  private readonly missing = new Map<number, number>();
  /** Whether the last round stopped at such a gap. */
  private blocked = false;

  private readyPromise: Promise<void> = Promise.resolve();
  private markReady: () => void = () => {};

  constructor(private readonly s: PollerSettings) {}

  /** Resolves once the current start has read the head (a stopped poller: at once). */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  start(): void {
    this.stop();
    this.next = undefined;
    this.missing.clear();
    this.readyPromise = new Promise((resolve) => {
      this.markReady = resolve;
    });
    // The first round starts now, not on an (unref'd) timer: `await bus.ready()` must keep
    // a process that has nothing else to do alive until the head is read.
    void this.round(++this.generation);
  }

  stop(): void {
    this.markReady();
    this.generation++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(generation: number, ms: number): void {
    if (generation !== this.generation) return;
    this.timer = setTimeout(() => void this.round(generation), ms);
    this.timer.unref?.();
  }

  private async round(generation: number): Promise<void> {
    let again = false;
    try {
      again = await this.read(generation);
    } catch (err) {
      this.s.onError(asError(err));
    }
    this.schedule(generation, again ? 0 : this.s.pollIntervalMs);
  }

  /** One round; resolves whether more entries are known to be waiting. */
  private async read(generation: number): Promise<boolean> {
    const { state, seqKey, entryKey, batchSize } = this.s;
    const from = this.next;
    const window =
      from === undefined ? 0 : Math.min(batchSize, Math.max(1, this.lastHead - from + 2));
    const keys = [seqKey];
    for (let i = 0; i < window; i++) keys.push(entryKey((from as number) + i));
    const values = await state.getMany(keys);
    if (generation !== this.generation) return false;
    const head = decodeCounter(values[0], seqKey, SOURCE);
    this.lastHead = head;
    if (from === undefined) {
      this.next = head + 1; // a new listener hears what is published from now on
      this.markReady();
      return false;
    }
    this.next = this.consume(from, head, values);
    return this.next <= head && !this.blocked;
  }

  /**
   * Delivers the entries read, in order, up to the first sequence number still missing for
   * less than `gapTimeoutMs`; returns the next sequence number to read.
   */
  private consume(from: number, head: number, values: (Uint8Array | undefined)[]): number {
    const now = Date.now();
    let n = from;
    this.blocked = false;
    for (let i = 1; i < values.length && from + i - 1 <= head; i++) {
      const seq = from + i - 1;
      const bytes = values[i];
      if (bytes === undefined) {
        const since = this.missing.get(seq) ?? now;
        this.missing.set(seq, since);
        if (now - since < this.s.gapTimeoutMs) this.blocked = true;
        else if (!this.blocked) this.pass(seq, 'skipped'); // its publisher died, or it expired
      } else if (!this.blocked) {
        this.pass(seq, 'received');
        this.deliver(bytes);
      }
      if (!this.blocked) n = seq + 1;
    }
    return n;
  }

  private pass(seq: number, what: 'received' | 'skipped'): void {
    this.missing.delete(seq);
    if (what === 'skipped') this.s.count('skipped');
  }

  private deliver(bytes: Uint8Array): void {
    let stored: StoredEvent;
    try {
      stored = JSON.parse(decoder.decode(bytes)) as StoredEvent;
    } catch (err) {
      this.s.onError(new Error(`[${SOURCE}] an event bus entry is not valid JSON`, { cause: err }));
      return;
    }
    if (stored.o === this.s.origin) return; // delivered locally when published
    this.s.count('received');
    this.s.deliver(stored.e);
  }
}
