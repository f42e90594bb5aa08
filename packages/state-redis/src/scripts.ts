import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { NOT_A_COUNTER, OUT_OF_RANGE } from './errors.js';

/** A Lua script run by EVALSHA, falling back to EVAL once when the server lacks it. */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});

/**
 * INCRBY with the contract's counter rules, atomically. KEYS[1]: key; ARGV[1]: delta (decimal);
 * ARGV[2]: ttl in ms or ''. A stored value counts only in canonical form (`0|-?[1-9][0-9]*`)
 * and within ±(2^53-1); otherwise an error reply and the value is untouched: a canonical
 * integer beyond that range is OUT_OF_RANGE, anything else (or over 40 bytes, as core's
 * `decodeCounter` reads it) NOT_A_COUNTER. The TTL applies
 * only when the key is created; INCRBY keeps an existing expiry.
 */
export const INCREMENT = script(`
local cur = redis.call('GET', KEYS[1])
local delta = tonumber(ARGV[1])
local max = 9007199254740991
if cur == false then
  if ARGV[2] ~= '' then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  else
    redis.call('SET', KEYS[1], ARGV[1])
  end
  return delta
end
if #cur > 40 then return redis.error_reply('${NOT_A_COUNTER}') end
local digits = cur
if string.sub(cur, 1, 1) == '-' then digits = string.sub(cur, 2) end
if cur ~= '0' and (#digits == 0 or not string.find(digits, '^[1-9]%d*$')) then
  return redis.error_reply('${NOT_A_COUNTER}')
end
if #digits > 16 or (#digits == 16 and digits > '9007199254740991') then
  return redis.error_reply('${OUT_OF_RANGE}')
end
local n = tonumber(cur) + delta
if n > max or n < -max then
  return redis.error_reply('${OUT_OF_RANGE}')
end
return redis.call('INCRBY', KEYS[1], ARGV[1])
`);

/**
 * Compare-and-swap by bytes. KEYS[1]: key; ARGV[1]: '1' when a value is expected, '0' for
 * absent; ARGV[2]: expected bytes; ARGV[3]: '1' to store ARGV[4], '0' to delete; ARGV[5]:
 * ttl in ms or ''. Returns 1 when swapped, 0 when the current value differed.
 */
export const COMPARE_AND_SWAP = script(`
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur ~= ARGV[2] then return 0 end
elseif cur ~= false then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] ~= '' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1
`);

/**
 * Writes every KEYS[i] with value ARGV[2i-1] and ttl ARGV[2i] (ms, or '' for none), in one
 * atomic step (setMany with TTLs; the keys of one call share a hash slot on a cluster).
 */
export const SET_MANY = script(`
for i, key in ipairs(KEYS) do
  local ttl = ARGV[2 * i]
  if ttl ~= '' then
    redis.call('SET', key, ARGV[2 * i - 1], 'PX', ttl)
  else
    redis.call('SET', key, ARGV[2 * i - 1])
  end
end
return #KEYS
`);

/** Removes the expiry of KEYS[1]; 1 when the key exists, 0 when absent. */
export const PERSIST = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('PERSIST', KEYS[1])
return 1
`);

/** Every script, for {@link loadScripts}. */
const ALL = [INCREMENT, COMPARE_AND_SWAP, SET_MANY, PERSIST];

/**
 * Queues `SCRIPT LOAD` of every script on a fresh connection, before any other command of
 * ours: Redis runs one connection's commands in order, so no later `EVALSHA` on it meets an
 * empty script cache (which would make it run after calls issued behind it, by `EVAL`).
 * Failures are ignored: the `EVAL` fallback still applies.
 */
export function loadScripts(client: Redis): void {
  for (const s of ALL) client.script('LOAD', s.source).catch(() => undefined);
}

/**
 * Runs `s` on `keys`: by `EVAL` when `byEval` (a cluster, whose node connections come and go
 * without a hook to load scripts first), else by `EVALSHA`, and by `EVAL` when the script
 * cache lacks it (`NOSCRIPT`: it did not run, so this never applies it twice).
 */
export function runScript(
  client: Redis | Cluster,
  s: Script,
  keys: string | readonly string[],
  args: readonly (string | Buffer)[],
  byEval: boolean,
): Promise<unknown> {
  const ks = typeof keys === 'string' ? [keys] : keys;
  // One array argument: ioredis flattens it, and a large batch never meets a spread limit.
  const all = [...ks, ...args];
  if (byEval) return client.eval(s.source, ks.length, all);
  return client.evalsha(s.sha, ks.length, all).catch((err: unknown) => {
    if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
    return client.eval(s.source, ks.length, all);
  });
}
