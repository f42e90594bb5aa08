// node memory-loop.mjs <state-memory dist/index.js> <get|set|inc> <n>: n awaited calls of one
// method on a memory manager built from that entry. Run under callgrind by instructions.sh.
const [entry, op, n] = [process.argv[2], process.argv[3], Number(process.argv[4] ?? 200_000)];
const { createMemoryState } = await import(entry);
const state = createMemoryState({ sweepIntervalMs: 2_000_000_000 });
const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
const value = new Uint8Array(100).fill(7);
for (const k of keys) await state.set(k, value);
for (let i = 0; i < n; i++) {
  const k = keys[i % 1000];
  if (op === 'get') await state.get(k);
  else if (op === 'set') await state.set(k, value);
  else await state.increment(`c${i % 1000}`);
}
await state.close();
