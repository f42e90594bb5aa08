import type { StoreOperations } from '@pforge/state-core/backend';
import { deleteBatch, getBatch, setBatch } from './batch.js';
import { copyIn, toValue, view } from './bytes.js';
import type { Client } from './client.js';
import { closePool } from './connect.js';
import { inspectRedis } from './inspect.js';
import type { Runner } from './runner.js';
import { clearPrefix, listKeys } from './scan.js';
import { COMPARE_AND_SWAP, INCREMENT, PERSIST, runScript } from './scripts.js';

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

/**
 * The Redis engine of one manager, as the operations of core's manager base: each takes
 * arguments the base already validated (keys without the namespace `ns`, values still the
 * caller's) and resolves values the caller owns; every failure is a redacted `StateError`.
 */
export function createOperations(r: Runner, ns: string): StoreOperations {
  const byEval = r.cluster;
  const withNs = (keys: readonly string[]): string[] => {
    const out = new Array<string>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = ns + keys[i];
    return out;
  };
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
    // The base calls it once, after which it rejects every call itself; calls waiting for
    // a connection are settled here with ERR_STATE_CLOSED.
    close: () => closePool(r.pool),
    inspect: () => inspectRedis(r),
  };
}
