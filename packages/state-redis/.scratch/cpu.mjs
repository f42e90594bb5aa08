import { createRedisState as ours } from '../dist/index.js';
import { createRedisState as prevOpen } from '/tmp/redis-prev/packages/state-redis/dist/index.js';
const url = 'redis://127.0.0.1:6391';
const a = await ours({ url, namespace: 'ab' });
const b = await prevOpen({ url, namespace: 'ab' });
const keys = Array.from({ length: 10000 }, (_, i) => `key:${i}`);
const value = new Uint8Array(100).fill(7);
await a.setMany(keys.map((key) => ({ key, value })));
async function inflight(m, op, total) {
  let i = 0;
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const worker = async () => { while (i < total) { await op(m, i++ % 10000); } };
  await Promise.all(Array.from({ length: 64 }, worker));
  const c = process.cpuUsage(c0); const t = performance.now() - t0;
  return [(c.user + c.system) / total * 1000, total / t * 1000]; // ns cpu per op, ops/s
}
const ops = { get: (m, i) => m.get(keys[i]), set: (m, i) => m.set(keys[i], value), inc: (m, i) => m.increment(`n:${i % 1000}`) };
for (const name of Object.keys(ops)) {
  const ra = [], rb = [], ta = [], tb = [];
  for (let r = 0; r < 15; r++) {
    const [x, y] = await inflight(a, ops[name], 20000); ra.push(x); ta.push(y);
    const [u, v] = await inflight(b, ops[name], 20000); rb.push(u); tb.push(v);
  }
  const med = (x) => x.sort((p, q) => p - q)[x.length >> 1] | 0;
  console.log(name, 'cpu ns/op ours', med(ra), 'prev', med(rb), '| ops/s ours', med(ta), 'prev', med(tb));
}
await a.close(); await b.close();
