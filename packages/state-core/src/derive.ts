/**
 * The operations a backend leaves out, derived from the ones it gives (see StoreOperations).
 * Derived read-modify-writes are `read` + `swap` loops on the whole entry, value AND expiry,
 * so a concurrent `expire` is never lost under an `increment`.
 */
import { addCounter, decodeCounter, encodeCounter } from './counter.js';
import { StateError } from './errors.js';
import type { CompleteOperations, DataMethod, StoredEntry, StoreOperations } from './operations.js';
import { expiresAtFor } from './ttl.js';
import { equalBytes } from './value.js';

type Ops = StoreOperations;

const live = (e: StoredEntry | undefined, now = Date.now()): StoredEntry | undefined =>
  e === undefined || (e.expiresAt !== undefined && e.expiresAt <= now) ? undefined : e;

const copy = (v: Uint8Array): Uint8Array => new Uint8Array(v);

/** Reads the live entry through `read`. */
async function readLive(ops: Ops, key: string): Promise<StoredEntry | undefined> {
  return live(await ops.read!(key));
}

/** `step` decides from the current entry: a replacement and a result, or a result alone. */
type Step<T> = (cur: StoredEntry | undefined) => { next: StoredEntry | undefined; result: T } | T;
const isChange = <T>(out: unknown): out is { next: StoredEntry | undefined; result: T } =>
  typeof out === 'object' && out !== null && 'result' in out;

/** Applies `step` atomically with a `read` + `swap` loop. */
async function casLoop<T>(ops: Ops, key: string, step: Step<T>): Promise<T> {
  for (;;) {
    const cur = await readLive(ops, key);
    const out = step(cur);
    if (!isChange<T>(out)) return out;
    if (await ops.swap!(key, cur, out.next)) return out.result;
  }
}

type Deriver = (ops: Ops, source: string) => CompleteOperations[DataMethod];
type Rule = { needs: readonly (keyof Ops)[]; derive: Deriver };

/** For each method: what a derivation needs, and the derivation. */
const RULES: Record<DataMethod, Rule[]> = {
  get: [
    {
      needs: ['read'],
      derive: (o) => async (k: string) => {
        const e = await readLive(o, k);
        return e && copy(e.value);
      },
    },
  ],
  set: [
    {
      needs: ['write'],
      derive: (o) => (k: string, v: Uint8Array, ttl: number | undefined) =>
        o.write!(k, { value: copy(v), expiresAt: expiresAtFor(ttl) }),
    },
  ],
  delete: [{ needs: ['remove'], derive: (o) => (k: string) => o.remove!(k) }],
  exists: [
    { needs: ['read'], derive: (o) => async (k: string) => (await readLive(o, k)) !== undefined },
    { needs: ['get'], derive: (o) => async (k: string) => (await o.get!(k)) !== undefined },
  ],
  getMany: [
    {
      needs: ['get'],
      derive: (o) => (keys: readonly string[]) => Promise.all(keys.map((k) => o.get!(k))),
    },
  ],
  setMany: [
    {
      needs: ['set'],
      derive:
        (o) => async (entries: readonly { key: string; value: Uint8Array; ttl?: number }[]) => {
          for (const e of entries) await o.set!(e.key, e.value, e.ttl);
        },
    },
  ],
  deleteMany: [
    {
      needs: ['delete'],
      derive: (o) => async (keys: readonly string[]) => {
        let n = 0;
        for (const k of new Set(keys)) if (await o.delete!(k)) n++;
        return n;
      },
    },
  ],
  increment: [{ needs: ['read', 'swap'], derive: deriveIncrement }],
  compareAndSwap: [{ needs: ['read', 'swap'], derive: deriveCompareAndSwap }],
  ttl: [
    {
      needs: ['read'],
      derive: (o) => async (k: string) => {
        const e = await readLive(o, k);
        if (e === undefined) return undefined;
        return e.expiresAt === undefined ? null : Math.max(1, e.expiresAt - Date.now());
      },
    },
  ],
  expire: [{ needs: ['read', 'swap'], derive: deriveExpire }],
  keys: [{ needs: ['scan'], derive: (o) => (prefix: string) => o.scan!(prefix) }],
  clear: [{ needs: ['keys', 'delete'], derive: (o) => (prefix: string) => clearAll(o, prefix) }],
};

function deriveIncrement(o: Ops, source: string): CompleteOperations['increment'] {
  return (key, delta, ttlMs) =>
    casLoop(o, key, (cur) => {
      const n = addCounter(decodeCounter(cur?.value, key, source), delta, key, source);
      // An existing counter keeps its expiry; the ttl applies only to a key created here.
      const expiresAt = cur ? cur.expiresAt : expiresAtFor(ttlMs);
      return { next: { value: encodeCounter(n), expiresAt }, result: n };
    });
}

function deriveCompareAndSwap(o: Ops): CompleteOperations['compareAndSwap'] {
  return (key, expected, next, ttlMs) => {
    const want = expected && copy(expected);
    const entry = next && { value: copy(next), expiresAt: expiresAtFor(ttlMs) };
    return casLoop(o, key, (cur) => {
      const same = want === undefined ? cur === undefined : !!cur && equalBytes(cur.value, want);
      return same ? { next: entry, result: true } : false;
    });
  };
}

function deriveExpire(o: Ops): CompleteOperations['expire'] {
  return (key, ttlMs) =>
    casLoop(o, key, (cur) => {
      if (cur === undefined) return false;
      const expiresAt = ttlMs === null ? undefined : expiresAtFor(ttlMs);
      return { next: { value: cur.value, expiresAt }, result: true };
    });
}

async function clearAll(o: Ops, prefix: string): Promise<number> {
  let n = 0;
  for await (const k of o.keys!(prefix)) if (await o.delete!(k)) n++;
  return n;
}

/**
 * Every data operation of `given`: its own where it has one, else derived. Throws
 * `ERR_STATE_INVALID_ARGUMENT` naming each operation that can be neither.
 */
export function completeOperations(given: StoreOperations, source: string): CompleteOperations {
  const ops: Ops = { ...given };
  const missing: string[] = [];
  for (const method of Object.keys(RULES) as DataMethod[]) {
    if (typeof ops[method] === 'function') continue;
    const rule = RULES[method].find((r) => r.needs.every((n) => typeof ops[n] === 'function'));
    if (rule) Object.assign(ops, { [method]: rule.derive(ops, source) });
    else
      missing.push(`${method} (or ${RULES[method].map((r) => r.needs.join(' + ')).join(', or ')})`);
  }
  if (missing.length > 0) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${source}] the backend's operations lack: ${missing.join('; ')}`,
    );
  }
  return ops as CompleteOperations;
}
