import { now } from './clock.js';
import { Keyspace } from './keyspace.js';
import { ValueArena } from './value-arena.js';

/**
 * The most expired keys one background sweep tick removes. A tick costs
 * O(MAX_SWEEP_PER_TICK · log n) (well under a millisecond at a million keys); when a tick hits
 * the bound the next one runs 1 ms later instead of after `sweepIntervalMs`, so a backlog is
 * worked off in small slices without blocking the event loop.
 */
export const MAX_SWEEP_PER_TICK = 4096;

/** Default pause between two sweep ticks, in ms. */
export const DEFAULT_SWEEP_INTERVAL_MS = 1000;

/** What a store holds: its namespaces, the arena of their values, the background sweep. */
export class StoreCore {
  readonly spaces = new Map<string, Keyspace>();
  readonly arena = new ValueArena();
  private attached = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the last sweep stopped at its bound with work left. */
  private behind = false;

  constructor(readonly sweepIntervalMs: number) {}

  /** Every record held, expired ones not yet reclaimed included. */
  get size(): number {
    let n = 0;
    for (const space of this.spaces.values()) n += space.map.size;
    return n;
  }

  /** The namespace `name`, created on first use. */
  space(name: string): Keyspace {
    let space = this.spaces.get(name);
    if (space === undefined) {
      space = new Keyspace(this.arena);
      this.spaces.set(name, space);
    }
    return space;
  }

  /**
   * One bounded sweep: looks at up to {@link MAX_SWEEP_PER_TICK} due records across the
   * namespaces, removing the expired ones and re-filing those whose expiry was pushed later,
   * then compacts a few sparse chunks. Returns how many records it removed.
   */
  sweep(): number {
    const t = now();
    let budget = MAX_SWEEP_PER_TICK;
    let removed = 0;
    for (const space of this.spaces.values()) {
      if (space.heap.size === 0) continue;
      const done = space.sweepDue(t, budget);
      removed += done.removed;
      budget -= done.seen;
      if (budget === 0) break;
    }
    this.behind = budget === 0;
    this.arena.compact();
    return removed;
  }

  /** A manager opened on this store: the sweep runs while any is open. */
  attach(): void {
    if (++this.attached === 1) this.schedule(this.sweepIntervalMs);
  }

  /** A manager closed. */
  detach(): void {
    if (--this.attached === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Drops every record (a private store whose manager closed). */
  destroy(): void {
    for (const space of this.spaces.values()) {
      space.map.clear();
      space.heap.clear();
    }
    this.spaces.clear();
    this.arena.reset();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.sweep();
    if (this.attached > 0) {
      const behind = this.behind || this.arena.fragmented;
      this.schedule(behind ? 1 : this.sweepIntervalMs);
    }
  };

  private schedule(ms: number): void {
    this.timer = setTimeout(this.tick, ms);
    this.timer.unref();
  }
}
