import { Worker } from 'node:worker_threads';

/**
 * The `n`th prime (1-based: the 1st is 2), by a sieve of Eratosthenes over an upper bound
 * from Rosser's theorem. Deliberately plain: it is the "expensive local computation" the demo
 * caches (about 0.1 to 0.5 s for n near a million).
 */
export function nthPrime(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`n must be a positive integer (got ${n})`);
  if (n < 6) return [2, 3, 5, 7, 11][n - 1]!;
  const limit = Math.ceil(n * (Math.log(n) + Math.log(Math.log(n))));
  const composite = new Uint8Array(limit + 1);
  let count = 0;
  for (let i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    count++;
    if (count === n) return i;
    for (let j = i * i; j <= limit; j += i) composite[j] = 1;
  }
  throw new Error(`no ${n}th prime below ${limit}`); // unreachable: the bound holds for n >= 6
}

/**
 * {@link nthPrime} in a worker thread (`dist/prime-worker.js`), resolving its answer; the
 * worker exits when done. Rejects when the worker fails.
 */
export function nthPrimeInWorker(n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./prime-worker.js', import.meta.url), { workerData: n });
    worker.once('message', (prime: number) => resolve(prime));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the prime worker exited with code ${code}`));
    });
  });
}
