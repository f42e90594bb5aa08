/**
 * Tracks tool calls in progress, so shutdown waits for each one to finish before the state is
 * closed: an answer the client received always stands for a write that was committed.
 */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>();
  #draining = false;

  /** Whether shutdown has begun (new calls are refused). */
  get draining(): boolean {
    return this.#draining;
  }

  /** Runs `task`, tracked until it settles. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const promise = task();
    this.#pending.add(promise);
    const forget = () => this.#pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Refuses new calls from now on and resolves once every tracked call has settled. */
  async drain(): Promise<void> {
    this.#draining = true;
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
