import { now } from './clock.js';
import type { KeyCursor, Keyspace } from './keyspace.js';
import { NEVER } from './record.js';

function release(space: Keyspace, cursor: KeyCursor): void {
  space.cursors?.delete(cursor);
  if (space.cursors?.size === 0) space.cursors = undefined;
}

// An iteration abandoned half-way (never finished, never `return()`ed) stops being tracked
// once it is garbage: moves then stop feeding its `skip` set.
const abandoned = new FinalizationRegistry<{ space: Keyspace; cursor: KeyCursor }>(
  ({ space, cursor }) => release(space, cursor),
);

/**
 * Lazily yields the live keys of `space` that start with `prefix`: it walks the namespace's
 * map as it is iterated (a Map iterator tolerates changes), and a key moved or recreated
 * behind the cursor (an LRU refresh, delete + set) is not yielded a second time.
 */
export function scanKeys(space: Keyspace, prefix: string): Generator<string> {
  const cursor: KeyCursor = { at: 0, skip: new Set() };
  const it = walk(space, prefix, cursor);
  abandoned.register(it, { space, cursor }, cursor);
  return it;
}

function* walk(space: Keyspace, prefix: string, cursor: KeyCursor): Generator<string> {
  const start = space.lastOrder;
  space.cursors ??= new Set();
  space.cursors.add(cursor);
  try {
    for (const rec of space.map.values()) {
      cursor.at = rec.order;
      if (rec.order > start && cursor.skip.has(rec.key)) continue;
      if (prefix !== '' && !rec.key.startsWith(prefix)) continue;
      if (rec.expiresAt !== NEVER && rec.expiresAt <= now()) continue;
      yield rec.key;
    }
  } finally {
    release(space, cursor);
    abandoned.unregister(cursor);
  }
}
