import { createRedisState as ours } from '../dist/index.js';
import { createRedisState as prevOpen } from '/tmp/redis-prev/packages/state-redis/dist/index.js';
const url = process.env.URL ?? 'redis://127.0.0.1:6391';
const impls = { ours: await ours({ url, namespace: 'ab' }), prev: await prevOpen({ url, namespace: 'ab' }), ours2: await ours({ url, namespace: 'ab' }) };
const keys = Array.from({ length: 10000 }, (_, i) => `key:${i}`);
const value = new Uint8Array(100).fill(7);
await impls.ours.setMany(keys.map((key) => ({ key, value })));
async function inFlight(n, total, op) { let next = 0; const w = async () => { while (next < total) await op(next++); }; await Promise.all(Array.from({ length: n }, w)); return total; }
async function slice(run, ms) { let ops = 0; const s = performance.now(); let now = s; while (now - s < ms) { ops += await run(); now = performance.now(); } return ops * 1000 / (now - s); }
const op = process.argv[2] ?? 'get';
const mk = (m) => { let base = 0; return () => { base = (base + 2000) % 10000; return inFlight(64, 2000, (i) => op === 'get' ? m.get(keys[(base + i) % 10000]) : m.set(keys[(base + i) % 10000], value)); }; };
const cases = Object.entries(impls).map(([k, m]) => [k, mk(m)]);
const samples = Object.fromEntries(cases.map(([k]) => [k, []]));
for (const [, c] of cases) await slice(c, 100);
for (let r = 0; r < 31; r++) for (const [k, c] of cases.sort(() => Math.random() - 0.5)) samples[k].push(await slice(c, 100));
const med = (x) => x.sort((p, q) => p - q)[x.length >> 1] | 0;
console.log(op, Object.entries(samples).map(([k, x]) => `${k} ${med(x)}`).join(' | '));
for (const m of Object.values(impls)) await m.close();
