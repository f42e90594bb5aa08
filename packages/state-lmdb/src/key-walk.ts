import { keysPage } from './reads.js';
import type { Environment, Reading } from './store.js';

const PAGE = 256;
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * `keys()`: the live keys under `prefix` (a full key), without the namespace, read lazily one
 * page of {@link PAGE} records per read snapshot, so a walk holds no read transaction open
 * between pages. A plain iterator rather than an async generator: it answers from its current
 * page with an already-settled promise, which saves a generator's ticks per key (the base's
 * `keys()` wraps it in its own generator). Its consumer (the base) awaits each `next()` before
 * the next call.
 */
export class KeyWalk implements AsyncIterableIterator<string> {
  private page: string[] = [];
  private at = 0;
  /** Where the next page starts; `undefined` once the last page was read (or on return). */
  private from: string | undefined;

  constructor(
    private readonly env: Environment,
    private readonly prefix: string,
    private readonly nsLength: number,
    private readonly reading: Reading,
  ) {
    this.from = prefix;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<string, undefined>> {
    if (this.at < this.page.length) {
      return Promise.resolve({ done: false, value: this.page[this.at++]!.slice(this.nsLength) });
    }
    return this.from === undefined ? Promise.resolve(DONE) : this.nextPage();
  }

  return(): Promise<IteratorResult<string, undefined>> {
    this.from = undefined;
    this.page = [];
    return Promise.resolve(DONE);
  }

  /** Reads pages until one holds a live key, or the range ends. */
  private async nextPage(): Promise<IteratorResult<string, undefined>> {
    const { env, prefix } = this;
    while (this.from !== undefined) {
      const from = this.from;
      const page = await this.reading((now) => keysPage(env, prefix, from, PAGE, now));
      // The next key in UTF-8 byte order after `last` is `last` + NUL.
      this.from = page.last === undefined ? undefined : `${page.last}\u0000`;
      this.page = page.live;
      this.at = 0;
      if (page.live.length > 0) return this.next();
    }
    return DONE;
  }
}
