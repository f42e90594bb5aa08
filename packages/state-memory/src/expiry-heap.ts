/** What the heap orders: anything with a time to look at it again and a slot for its place. */
export interface HeapItem {
  /** When to look at this item again, in epoch ms (the heap's order). */
  checkAt: number;
  /** Position in the heap, or -1 when not in it. */
  heapIndex: number;
}

/**
 * A binary min-heap on `checkAt` that knows each item's position, so an item can be moved or
 * removed in O(log n) and never appears twice.
 */
export class ExpiryHeap<T extends HeapItem> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The item to look at first, if any. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  /** Removes `item` (which must be in this heap). */
  remove(item: T): void {
    const items = this.items;
    const at = item.heapIndex;
    const last = items.pop()!;
    item.heapIndex = -1;
    if (last === item) return;
    items[at] = last;
    last.heapIndex = at;
    this.fix(at);
  }

  /** Restores order after `item.checkAt` changed. */
  update(item: T): void {
    this.fix(item.heapIndex);
  }

  /** Empties the heap. */
  clear(): void {
    for (const item of this.items) item.heapIndex = -1;
    this.items = [];
  }

  private fix(at: number): void {
    const items = this.items;
    if (at > 0 && items[at]!.checkAt < items[(at - 1) >> 1]!.checkAt) this.up(at);
    else this.down(at);
  }

  private up(at: number): void {
    const items = this.items;
    const item = items[at]!;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = items[parentAt]!;
      if (parent.checkAt <= item.checkAt) break;
      items[at] = parent;
      parent.heapIndex = at;
      at = parentAt;
    }
    items[at] = item;
    item.heapIndex = at;
  }

  private down(at: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[at]!;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && items[child + 1]!.checkAt < items[child]!.checkAt) child++;
      const c = items[child]!;
      if (item.checkAt <= c.checkAt) break;
      items[at] = c;
      c.heapIndex = at;
      at = child;
    }
    items[at] = item;
    item.heapIndex = at;
  }
}
