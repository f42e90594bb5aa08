import { resolvePrefix } from '@pforge/state-core';
import { now } from './clock.js';
import { asStateError } from './errors.js';
import { NEVER, type Space } from './memory-store.js';
import { SOURCE } from './options.js';

/** The state of one running `keys()` iteration, so a key moved behind it is not seen twice. */
export interface KeyCursor {
  /** `seq` when the iteration began: records with a larger `q` were (re)inserted since. */
  start: number;
  /** `q` of the last record visited. */
  at: number;
  /** Keys already visited that were since moved or recreated behind the cursor. */
  skip: Set<string>;
}

function release(space: Space, cursor: KeyCursor): void {
  space.cursors?.delete(cursor);
  if (space.cursors?.size === 0) space.cursors = undefined;
}

// An iteration abandoned half-way (never finished, never `return()`ed) stops being tracked
// once it is garbage: moves then stop feeding its `skip` set.
const abandoned = new FinalizationRegistry<{ space: Space; cursor: KeyCursor }>(
  ({ space, cursor }) => release(space, cursor),
);

/**
 * Lazily yields the live keys of `space` that start with the `prefix` option: it walks the
 * namespace's map as it is iterated (a Map iterator tolerates changes), and a key moved or
 * recreated behind the cursor (an LRU refresh, delete + set) is not yielded a second time.
 * @param check throws when the manager is closed; called before each step.
 */
export function scanKeys(
  space: Space,
  options: unknown,
  check: () => void,
): AsyncGenerator<string> {
  const cursor: KeyCursor = { start: 0, at: 0, skip: new Set() };
  const it = walk(space, options, cursor, check);
  abandoned.register(it, { space, cursor }, cursor);
  return it;
}

async function* walk(
  space: Space,
  options: unknown,
  cursor: KeyCursor,
  check: () => void,
): AsyncGenerator<string> {
  let prefix: string;
  try {
    check();
    prefix = resolvePrefix(options, SOURCE);
  } catch (err) {
    throw asStateError(err, 'keys');
  }
  cursor.start = space.store.seq;
  space.cursors ??= new Set();
  space.cursors.add(cursor);
  try {
    for (const rec of space.map.values()) {
      check();
      cursor.at = rec.q;
      if (rec.q > cursor.start && cursor.skip.has(rec.k)) continue;
      if (prefix !== '' && !rec.k.startsWith(prefix)) continue;
      if (rec.e !== NEVER && rec.e <= now()) continue;
      yield rec.k;
    }
  } catch (err) {
    throw asStateError(err, 'keys');
  } finally {
    release(space, cursor);
    abandoned.unregister(cursor);
  }
}
