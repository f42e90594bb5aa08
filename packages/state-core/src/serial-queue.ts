const ignore = (): void => undefined;

/**
 * Runs calls one after another, each starting once the previous one settled: issue order for
 * an engine whose operations could otherwise overtake each other. A call made while nothing
 * is pending runs at once (a synchronous answer stays synchronous).
 */
export class SerialQueue {
  private tail: Promise<void> | undefined;

  /** Runs `call` after every earlier call of this queue settled. */
  run<T>(call: () => T | Promise<T>): T | Promise<T> {
    const before = this.tail;
    const result = before === undefined ? call() : before.then(call);
    if (result instanceof Promise) this.track(result);
    return result;
  }

  /** Resolves once every call made so far settled. */
  idle(): Promise<void> {
    return this.tail ?? Promise.resolve();
  }

  private track(result: Promise<unknown>): void {
    const settled = result.then(ignore, ignore);
    this.tail = settled;
    void settled.then(() => {
      if (this.tail === settled) this.tail = undefined;
    });
  }
}
