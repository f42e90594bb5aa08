import type { StateManager } from '@pforge/state-core';

/**
 * Fencing tokens from one shared counter. An instance reserves `block` tokens per `increment`
 * and hands them out in order, so a first claim costs no backend call most of the time; every
 * token is unique across instances. A takeover takes a fresh `increment` of one, which is larger
 * than every token reserved (so handed out) before it anywhere: the holder it replaces can be
 * fenced off with it.
 */
export class FencingTokens {
  private next = 1;
  private top = 0;
  private reserving: Promise<void> | undefined;

  constructor(
    private readonly state: StateManager,
    private readonly key: string,
    private readonly block: number,
  ) {}

  /** A token no other claim anywhere has. */
  async claim(): Promise<number> {
    while (this.next > this.top) {
      this.reserving ??= this.reserve();
      await this.reserving;
    }
    return this.next++;
  }

  /** A token larger than every token handed out so far, by any instance. */
  takeover(): Promise<number> {
    return this.state.increment(this.key);
  }

  private async reserve(): Promise<void> {
    try {
      const top = await this.state.increment(this.key, this.block);
      this.top = top;
      this.next = top - this.block + 1;
    } finally {
      this.reserving = undefined;
    }
  }
}
