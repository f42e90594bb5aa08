import { createRedisState as ours } from '../dist/index.js';
import { createRedisState as prevOpen } from '/tmp/redis-prev/packages/state-redis/dist/index.js';
const url = 'redis://127.0.0.1:6391';
const which = process.argv[2] ?? 'both';
const a = await ours({ url, namespace: 'ab' });
const b = await prevOpen({ url, namespace: 'ab' });
const keys = Array.from({ length: 10000 }, (_, i) => `key:${i}`);
const value = new Uint8Array(100).fill(7);
await a.setMany(keys.map((key) => ({ key, value })));
async function inflight(m, op, ms) {
  let n = 0, i = 0; const end = Date.now() + ms;
  const worker = async () => { while (Date.now() < end) { await op(m, i++ % 10000); n++; } };
  await Promise.all(Array.from({ length: 64 }, worker));
  return n / ms * 1000;
}
const ops = { get: (m, i) => m.get(keys[i]), set: (m, i) => m.set(keys[i], value) };
for (const name of Object.keys(ops)) {
  const ra = [], rb = [];
  for (let r = 0; r < 15; r++) {
    if (which !== 'prev') ra.push(await inflight(a, ops[name], 200));
    if (which !== 'ours') rb.push(await inflight(b, ops[name], 200));
  }
  const med = (x) => x.sort((p, q) => p - q)[x.length >> 1] | 0;
  console.log(name, 'ours', med(ra), 'prev', med(rb));
}
await a.close(); await b.close();
