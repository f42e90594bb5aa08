import * as z from 'zod';
import { nthPrimeInWorker } from '../primes.js';
import { MAX_N, PRIME_CACHE_TTL_MS } from '../settings.js';
import { round } from '../stats.js';
import { defineTool } from '../tool.js';

/** `nth_prime`: an expensive computation, cached in the state with single-flight. */
export const nthPrimeTool = defineTool({
  name: 'nth_prime',
  title: 'n-th prime (cached)',
  description:
    `Computes the n-th prime by a sieve in a worker thread (slow for large n, up to ${MAX_N}). The answer is ` +
    `cached in the state for ${PRIME_CACHE_TTL_MS / 60_000} minutes; the result says whether ` +
    'it came from the cache and how long it took.',
  annotations: { idempotentHint: true },
  input: { n: z.number().int().min(1).max(MAX_N).describe('which prime: 1 gives 2') },
  output: {
    n: z.number().int(),
    prime: z.number().int(),
    from_cache: z.boolean(),
    elapsed_ms: z.number(),
  },
  async run({ n }, app) {
    const started = performance.now();
    const { value: prime, fromCache } = await app.patterns.cached(`prime:${n}`, () =>
      nthPrimeInWorker(n),
    );
    const elapsed = round(performance.now() - started);
    if (fromCache) app.stats.cache.hits++;
    else app.stats.cache.misses++;
    return {
      text: `prime #${n} = ${prime} (${fromCache ? 'from cache' : 'computed'} in ${elapsed} ms)`,
      data: { n, prime, from_cache: fromCache, elapsed_ms: elapsed },
    };
  },
});
