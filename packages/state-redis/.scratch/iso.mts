import { createManager, namespacePrefix, createValidators } from '@pforge/state-core/backend';
import { createRedisState as prevOpen } from '/tmp/redis-prev/packages/state-redis/dist/index.js';
import { connectPool } from '../src/connect.js';
import { createOperations } from '../src/operations.js';
import { redisOptions } from '../src/options.js';
import { Runner } from '../src/runner.js';
const url = process.env.URL ?? 'redis://127.0.0.1:6391';
async function engine() {
  const o = redisOptions.parse({ url, namespace: 'ab' });
  const r = new Runner(o);
  await connectPool(r.pool, 5000, []);
  return createOperations(r, namespacePrefix('ab'));
}
const e1 = await engine();
const e2 = await engine();
const v = createValidators('x');
const based = createManager({ source: 'x', backend: 'redis', namespace: 'ab', operations: e2, keepsIssueOrder: true });
const e3 = await engine();
const thin = { get: (k: string) => { try { return e3.get!(v.key(k)) as Promise<unknown>; } catch (err) { return Promise.reject(err); } } };
const impls: Record<string, { get(k: string): Promise<unknown> }> = { raw: e1 as never, base: based, thin, prev: await prevOpen({ url, namespace: 'ab' }) };
const keys = Array.from({ length: 10000 }, (_, i) => `key:${i}`);
async function inFlight(n: number, total: number, op: (i: number) => Promise<unknown>) { let next = 0; const w = async () => { while (next < total) await op(next++); }; await Promise.all(Array.from({ length: n }, w)); return total; }
async function slice(run: () => Promise<number>, ms: number) { let ops = 0; const s = performance.now(); let now = s; while (now - s < ms) { ops += await run(); now = performance.now(); } return ops * 1000 / (now - s); }
const mk = (m: { get(k: string): Promise<unknown> }) => { let base = 0; return () => { base = (base + 2000) % 10000; return inFlight(64, 2000, (i) => m.get(keys[(base + i) % 10000]!)); }; };
const cases = Object.entries(impls).map(([k, m]) => [k, mk(m)] as const);
const samples: Record<string, number[]> = Object.fromEntries(cases.map(([k]) => [k, []]));
for (const [, c] of cases) await slice(c, 100);
for (let r = 0; r < 31; r++) for (const [k, c] of [...cases].sort(() => Math.random() - 0.5)) samples[k]!.push(await slice(c, 100));
const med = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1]! | 0;
console.log(Object.entries(samples).map(([k, x]) => `${k} ${med(x)}`).join(' | '));
process.exit(0);
