import { createManager } from '@pforge/state-core/backend';
const v = new Uint8Array(100);
const p = Promise.resolve(v);
const ops = { get: (k) => p.then((x) => x), set: (k, val, ttl) => p.then(() => undefined), read: () => undefined, write() {}, remove() { return false; }, swap() { return false; }, scan: function* () {} };
const m = createManager({ source: 'x', backend: 'x', namespace: 'x', operations: ops, keepsIssueOrder: true });
const direct = { get: (k) => { if (typeof k !== 'string') throw 1; return ops.get(k); } };
async function run(fn, n) { const t = performance.now(); for (let i = 0; i < n; i++) await fn('key:' + (i & 1023)); return (performance.now() - t) / n * 1e6; }
async function runPar(fn, n) { const t = performance.now(); const ps = []; for (let i = 0; i < n; i++) ps.push(fn('key:' + (i & 1023))); await Promise.all(ps); return (performance.now() - t) / n * 1e6; }
for (let r = 0; r < 5; r++) {
  console.log('seq base', (await run(m.get, 1e6)).toFixed(0), 'ns; direct', (await run(direct.get, 1e6)).toFixed(0), 'ns | par base', (await runPar(m.get, 2e5)).toFixed(0), 'direct', (await runPar(direct.get, 2e5)).toFixed(0));
}
