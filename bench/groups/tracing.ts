/**
 * tracing group: what the tracing channels cost the memory backend with no subscriber, A/B
 * in one run. Each side runs in its own worker thread, because `PFORGE_STATE_TRACING=off`
 * (which removes even the subscriber check) is read when core loads. A third side has a
 * subscriber, to show what observing costs.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { type BenchCase, runWorkloads } from '../harness.js';

const BATCH = 10_000;

async function side(name: string, env: Record<string, string>, subscribe = false) {
  const worker = new Worker(new URL('../workers/tracing-worker.mjs', import.meta.url), {
    env: { ...process.env, ...env },
    workerData: { subscribe },
  });
  await once(worker, 'message');
  const run = (op: 'get' | 'set') => async () => {
    worker.postMessage({ op, count: BATCH });
    const [n] = await once(worker, 'message');
    return n as number;
  };
  return { name, worker, get: run('get'), set: run('set') };
}

/** Runs the group; prints Markdown rows. */
export async function run(): Promise<void> {
  const sides = [
    await side('tracing off (PFORGE_STATE_TRACING=off)', { PFORGE_STATE_TRACING: 'off' }),
    await side('no subscriber (default)', { PFORGE_STATE_TRACING: '' }),
    await side('one asyncEnd subscriber', { PFORGE_STATE_TRACING: '' }, true),
  ];
  const cases = (op: 'get' | 'set'): BenchCase[] =>
    sides.map((s) => ({ name: s.name, run: s[op] }));
  await runWorkloads([
    { name: 'memory get', baseline: sides[0]!.name, cases: cases('get') },
    { name: 'memory set', baseline: sides[0]!.name, cases: cases('set') },
  ]);
  await Promise.all(sides.map((s) => s.worker.terminate()));
}
