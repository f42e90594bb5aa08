import { type BatchEntry, deleteBatch, getBatch, setBatch } from './batch.js';
import { copyIn, toValue, view } from './bytes.js';
import type { Client } from './client.js';
import { closePool } from './connect.js';
import type { Runner } from './runner.js';
import { clearPrefix, listKeys } from './scan.js';
import { COMPARE_AND_SWAP, INCREMENT, PERSIST, runScript } from './scripts.js';

/**
 * The Redis engine: every method takes arguments already validated (keys without the
 * namespace, values still owned by the caller) and resolves values the caller owns.
 */
export interface RedisOperations {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array, ttl: number | undefined): Promise<void>;
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  setMany(entries: readonly BatchEntry[]): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<number>;
  increment(key: string, delta: number, ttl: number | undefined): Promise<number>;
  compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    ttl: number | undefined,
  ): Promise<boolean>;
  ttl(key: string): Promise<number | null | undefined>;
  expire(key: string, ttl: number | null): Promise<boolean>;
  keys(prefix: string): AsyncIterable<string>;
  clear(prefix: string): Promise<number>;
  close(): Promise<void>;
}

const toVoid = (): void => undefined;
const positive = (n: number): boolean => n > 0;
const isOne = (n: unknown): boolean => n === 1;
/** PTTL: -2 absent, -1 no expiry, else ms left (at least 1 while the key lives). */
const fromPttl = (ms: number): number | null | undefined =>
  ms === -2 ? undefined : ms === -1 ? null : Math.max(1, ms);
const ttlArg = (ttl: number | undefined): string => (ttl === undefined ? '' : String(ttl));

/** ARGV of the COMPARE_AND_SWAP script (copies: a script may be resent by EVAL). */
function casArgs(
  expected: Uint8Array | undefined,
  next: Uint8Array | undefined,
  ttl: number | undefined,
): (string | Buffer)[] {
  return [
    expected === undefined ? '0' : '1',
    expected === undefined ? '' : copyIn(expected),
    next === undefined ? '0' : '1',
    next === undefined ? '' : copyIn(next),
    ttlArg(ttl),
  ];
}

/** The engine of one manager: `ns` is the namespace prefix of every key. */
export function createOperations(r: Runner, ns: string): RedisOperations {
  const byEval = r.cluster;
  const withNs = (keys: readonly string[]): string[] => {
    const out = new Array<string>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = ns + keys[i];
    return out;
  };
  let closing: Promise<void> | undefined;
  return {
    get: (key) => r.run('get', key, (c) => c.getBuffer(ns + key), toValue),
    set(key, value, ttl) {
      // A command written at once may send a view; a waiting one keeps a copy.
      const v = r.sendsNow() ? view(value) : copyIn(value);
      const k = ns + key;
      const send = (c: Client) => (ttl === undefined ? c.set(k, v) : c.set(k, v, 'PX', ttl));
      return r.run('set', key, send, toVoid);
    },
    delete: (key) => r.run('delete', key, (c) => c.del(ns + key), positive),
    exists: (key) => r.run('exists', key, (c) => c.exists(ns + key), positive),
    getMany: (keys) => getBatch(r, withNs(keys)),
    setMany: (entries) => setBatch(r, ns, entries),
    deleteMany: (keys) => deleteBatch(r.run, r.cluster, withNs(keys)),
    increment(key, delta, ttl) {
      const args = [String(delta), ttlArg(ttl)];
      const send = (c: Client) => runScript(c, INCREMENT, ns + key, args, byEval);
      return r.run('increment', key, send, Number);
    },
    compareAndSwap(key, expected, next, ttl) {
      const args = casArgs(expected, next, ttl);
      const send = (c: Client) => runScript(c, COMPARE_AND_SWAP, ns + key, args, byEval);
      return r.run('compareAndSwap', key, send, isOne);
    },
    ttl: (key) => r.run('ttl', key, (c) => c.pttl(ns + key), fromPttl),
    expire(key, ttl) {
      const k = ns + key;
      const send = (c: Client) =>
        ttl === null ? runScript(c, PERSIST, k, [], byEval) : c.pexpire(k, ttl);
      return r.run('expire', key, send, isOne);
    },
    keys: (prefix) => listKeys(r, ns, ns + prefix),
    clear: (prefix) =>
      clearPrefix(r, ns + prefix, (send, keys) => deleteBatch(send, r.cluster, keys, 'clear')),
    close() {
      if (!closing) {
        r.closed = true;
        closing = closePool(r.pool);
      }
      return closing;
    },
  };
}
