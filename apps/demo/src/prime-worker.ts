/**
 * Worker thread entry: computes one n-th prime off the main thread, so a long sieve never
 * stalls the server's other calls (and its HTTP sessions).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { nthPrime } from './primes.js';

parentPort?.postMessage(nthPrime(workerData as number));
