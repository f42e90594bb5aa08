/** What the heap orders: anything with a heap key and a slot for its heap position. */
export interface HeapItem {
  /** The heap key: when the item is due (see memory-store.ts for the unit). */
  h: number;
  /** Position in the heap, or -1 when not in it. */
  i: number;
}

/**
 * A binary min-heap on `h` that knows each item's position, so an item can be moved or
 * removed in O(log n) and never appears twice: the heap holds at most one slot per record.
 */
export class ExpiryHeap<T extends HeapItem> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The item that expires first, if any. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.i = this.items.length;
    this.items.push(item);
    this.up(item.i);
  }

  /** Removes `item` (which must be in this heap). */
  remove(item: T): void {
    const items = this.items;
    const at = item.i;
    const last = items.pop()!;
    item.i = -1;
    if (last === item) return;
    items[at] = last;
    last.i = at;
    this.fix(at);
  }

  /** Restores order after `item.h` changed. */
  update(item: T): void {
    this.fix(item.i);
  }

  /** Empties the heap. */
  clear(): void {
    for (const item of this.items) item.i = -1;
    this.items = [];
  }

  private fix(at: number): void {
    if (at > 0 && this.items[at]!.h < this.items[(at - 1) >> 1]!.h) this.up(at);
    else this.down(at);
  }

  private up(at: number): void {
    const items = this.items;
    const item = items[at]!;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = items[parentAt]!;
      if (parent.h <= item.h) break;
      items[at] = parent;
      parent.i = at;
      at = parentAt;
    }
    items[at] = item;
    item.i = at;
  }

  private down(at: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[at]!;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && items[child + 1]!.h < items[child]!.h) child++;
      const c = items[child]!;
      if (item.h <= c.h) break;
      items[at] = c;
      c.i = at;
      at = child;
    }
    items[at] = item;
    item.i = at;
  }
}
