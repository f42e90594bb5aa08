/** What a read remembers so it can tell, when it ends, whether a write overlapped it. */
export interface ReadToken {
  readonly epoch: number;
  readonly clean: boolean;
}

/**
 * Tracks this process's writes in flight per key, so the caching layer never fills its
 * memory with a value that a concurrent write of its own may have replaced: a read fills
 * only if no write to its key (or `clear`) overlapped it, and a write fills only if it was
 * the last one started on its key. Bookkeeping is dropped whenever nothing is in flight.
 */
export class KeyEpochs {
  #epoch = 0;
  #active = 0;
  #touched = new Map<string, number>();
  #writing = new Map<string, number>();
  #clearing = 0;
  #clearedAt = 0;

  /** Marks the start of a write to `key`; pass the result to {@link endWrite}. */
  beginWrite(key: string): number {
    this.#active++;
    const e = ++this.#epoch;
    this.#touched.set(key, e);
    this.#writing.set(key, (this.#writing.get(key) ?? 0) + 1);
    return e;
  }

  /** Marks the end of a write; `true` when it may fill the cache (no other write overlapped). */
  endWrite(key: string, started: number): boolean {
    const n = (this.#writing.get(key) ?? 1) - 1;
    if (n === 0) this.#writing.delete(key);
    else this.#writing.set(key, n);
    const latest = n === 0 && this.#touched.get(key) === started && this.#clearedAt < started;
    this.#touched.set(key, ++this.#epoch);
    this.#done();
    return latest;
  }

  /** Marks the start of a `clear` (a write to every key). */
  beginClear(): void {
    this.#active++;
    this.#clearing++;
    this.#clearedAt = ++this.#epoch;
  }

  /** Marks the end of a `clear`. */
  endClear(): void {
    this.#clearing--;
    this.#clearedAt = ++this.#epoch;
    this.#done();
  }

  /** Marks the start of a backend read of `key`. */
  beginRead(key: string): ReadToken {
    this.#active++;
    return { epoch: this.#epoch, clean: this.#clearing === 0 && !this.#writing.has(key) };
  }

  /** Marks the end of a read; `true` when its result may fill the cache. */
  endRead(key: string, token: ReadToken): boolean {
    const ok =
      token.clean && (this.#touched.get(key) ?? 0) <= token.epoch && this.#clearedAt <= token.epoch;
    this.#done();
    return ok;
  }

  #done(): void {
    if (--this.#active === 0) this.#touched.clear();
  }
}
