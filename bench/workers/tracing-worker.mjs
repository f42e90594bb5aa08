// One side of the tracing A/B: a memory manager in its own thread, so that
// PFORGE_STATE_TRACING (read when core loads) can differ between the sides of one run.
import { parentPort, workerData } from 'node:worker_threads';
import { stateTracingChannel } from '@pforge/state-core';
import { createMemoryState } from '@pforge/state-memory';

const state = createMemoryState();
const keys = Array.from({ length: 10_000 }, (_, i) => `key:${i}`);
const value = new Uint8Array(100).fill(7);
for (const k of keys) await state.set(k, value);
if (workerData.subscribe) {
  const seen = { calls: 0 };
  const count = () => {
    seen.calls++;
  };
  for (const op of ['get', 'set']) stateTracingChannel(op).subscribe({ asyncEnd: count });
}
let i = 0;
parentPort.on('message', async ({ op, count }) => {
  for (let n = 0; n < count; n++) {
    const k = keys[i++ % keys.length];
    if (op === 'get') await state.get(k);
    else await state.set(k, value);
  }
  parentPort.postMessage(count);
});
parentPort.postMessage('ready');
