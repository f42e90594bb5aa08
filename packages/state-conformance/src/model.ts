import { isStateError, type StateManager } from '@pforge/state-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, type Harness, hex } from './harness.js';

interface Cell {
  value: Uint8Array;
  expires: boolean;
}
type Model = Map<string, Cell>;
interface Real {
  a: StateManager;
  b: StateManager;
  prefix: string;
}
type Cmd = fc.AsyncCommand<Model, Real, boolean>;

const KEYS = ['a', 'b', 'ab', 'a:b', 'a*', '*', '😀', '\\'];
const key = fc.constantFrom(...KEYS);
const value = fc.oneof(
  fc.constantFrom('0', '7', '-3', '41', '9007199254740990', '01', '+1', 'x', '').map(bytes),
  fc.uint8Array({ maxLength: 6 }),
);
// Long enough that nothing expires during a run: the model only tracks "has an expiry".
const ttl = fc.option(fc.integer({ min: 600_000, max: 3_600_000 }), { nil: undefined });
const delta = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
);
const side = fc.boolean();
const CANONICAL = /^(?:0|-?[1-9][0-9]*)$/;

const show = (v: Uint8Array | undefined) => (v === undefined ? 'undefined' : `0x${hex(v)}`);
const pick = (r: Real, useB: boolean) => (useB ? r.b : r.a);
const cmd = (name: string, run: (m: Model, r: Real) => Promise<void>): Cmd => ({
  check: () => true,
  run,
  toString: () => name,
});
const expectValue = (got: Uint8Array | undefined, cell: Cell | undefined) =>
  expect(show(got)).toBe(show(cell?.value));

/** What increment does to the model: the new cell, or the error code it must reject with. */
function incrementModel(cell: Cell | undefined, d: number, t: number | undefined): Cell | string {
  let current = 0;
  if (cell) {
    const text = Buffer.from(cell.value).toString('latin1');
    if (!CANONICAL.test(text)) return 'ERR_STATE_NOT_A_COUNTER';
    current = Number(text);
    if (!Number.isSafeInteger(current)) return 'ERR_STATE_OUT_OF_RANGE';
  }
  const next = current + d;
  if (!Number.isSafeInteger(next)) return 'ERR_STATE_OUT_OF_RANGE';
  return { value: bytes(String(next)), expires: cell ? cell.expires : t !== undefined };
}

const commands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(key, value, ttl, side).map(([k, v, t, s]) =>
    cmd(`set(${k}, ${show(v)}, ttl ${t})`, async (m, r) => {
      await pick(r, s).set(r.prefix + k, v, { ttl: t });
      m.set(k, { value: v, expires: t !== undefined });
    }),
  ),
  fc
    .tuple(key, side)
    .map(([k, s]) =>
      cmd(`get(${k})`, async (m, r) => expectValue(await pick(r, s).get(r.prefix + k), m.get(k))),
    ),
  fc.tuple(key, side).map(([k, s]) =>
    cmd(`delete(${k})`, async (m, r) => {
      expect(await pick(r, s).delete(r.prefix + k)).toBe(m.delete(k));
    }),
  ),
  fc.tuple(key, side).map(([k, s]) =>
    cmd(`exists(${k})`, async (m, r) => {
      expect(await pick(r, s).exists(r.prefix + k)).toBe(m.has(k));
    }),
  ),
  fc.tuple(key, delta, ttl, side).map(([k, d, t, s]) =>
    cmd(`increment(${k}, ${d}, ttl ${t})`, async (m, r) => {
      const want = incrementModel(m.get(k), d, t);
      const got = await pick(r, s)
        .increment(r.prefix + k, d, { ttl: t })
        .catch((e: unknown) => e);
      if (typeof want === 'string') {
        expect(isStateError(got, want as never), String(got)).toBe(true);
        return;
      }
      expect(got).toBe(Number(Buffer.from(want.value).toString()));
      m.set(k, want);
    }),
  ),
  fc
    .tuple(
      key,
      fc.constantFrom('current', 'absent', 'other'),
      fc.option(value, { nil: undefined }),
      value,
      ttl,
      side,
    )
    .map(([k, which, next, other, t, s]) =>
      cmd(
        `compareAndSwap(${k}, ${which} ${show(other)}, ${show(next)}, ttl ${t})`,
        async (m, r) => {
          const cell = m.get(k);
          const expected =
            which === 'current' ? cell?.value : which === 'absent' ? undefined : other;
          const matches =
            expected === undefined
              ? cell === undefined
              : cell !== undefined && hex(cell.value) === hex(expected);
          expect(await pick(r, s).compareAndSwap(r.prefix + k, expected, next, { ttl: t })).toBe(
            matches,
          );
          if (!matches) return;
          if (next === undefined) m.delete(k);
          else m.set(k, { value: next, expires: t !== undefined });
        },
      ),
    ),
  fc.tuple(fc.array(fc.tuple(key, value, ttl), { maxLength: 5 }), side).map(([entries, s]) =>
    cmd(
      `setMany(${entries.map(([k, v, t]) => `${k}=${show(v)}/${t}`).join(', ')})`,
      async (m, r) => {
        await pick(r, s).setMany(
          entries.map(([k, v, t]) => ({ key: r.prefix + k, value: v, ttl: t })),
        );
        for (const [k, v, t] of entries) m.set(k, { value: v, expires: t !== undefined });
      },
    ),
  ),
  fc.tuple(fc.array(key, { maxLength: 5 }), side).map(([keys, s]) =>
    cmd(`deleteMany(${keys.join(', ')})`, async (m, r) => {
      const want = [...new Set(keys)].filter((k) => m.delete(k)).length;
      expect(await pick(r, s).deleteMany(keys.map((k) => r.prefix + k))).toBe(want);
    }),
  ),
  fc.tuple(fc.array(key, { maxLength: 6 }), side).map(([keys, s]) =>
    cmd(`getMany(${keys.join(', ')})`, async (m, r) => {
      const got = await pick(r, s).getMany(keys.map((k) => r.prefix + k));
      expect(got.map(show)).toEqual(keys.map((k) => show(m.get(k)?.value)));
    }),
  ),
  fc
    .tuple(key, fc.option(fc.integer({ min: 600_000, max: 3_600_000 }), { nil: null }), side)
    .map(([k, t, s]) =>
      cmd(`expire(${k}, ${t})`, async (m, r) => {
        const cell = m.get(k);
        expect(await pick(r, s).expire(r.prefix + k, t)).toBe(cell !== undefined);
        if (cell) cell.expires = t !== null;
      }),
    ),
  fc.tuple(key, side).map(([k, s]) =>
    cmd(`ttl(${k})`, async (m, r) => {
      const got = await pick(r, s).ttl(r.prefix + k);
      const cell = m.get(k);
      if (cell === undefined) expect(got).toBeUndefined();
      else if (!cell.expires) expect(got).toBeNull();
      else {
        expect(typeof got).toBe('number');
        expect(got).toBeGreaterThan(0);
        expect(got).toBeLessThanOrEqual(3_600_000);
      }
    }),
  ),
  fc.tuple(fc.constantFrom('', 'a', 'a*', '*', 'a:', '😀'), side).map(([p, s]) =>
    cmd(`keys(prefix ${JSON.stringify(p)})`, async (m, r) => {
      const got: string[] = [];
      for await (const k of pick(r, s).keys({ prefix: r.prefix + p }))
        got.push(k.slice(r.prefix.length));
      expect(got.sort()).toEqual([...m.keys()].filter((k) => k.startsWith(p)).sort());
    }),
  ),
];

/** fast-check model-based test: random operation sequences against a reference Map. */
export function registerModel(h: Harness): void {
  describe('model-based (fast-check)', () => {
    // A target with bounded visibility across managers (a caching layer) may serve one
    // manager's read stale after the other's write, within its declared bound: that bound has
    // its own test (basic.ts), and the model then runs every command on one manager.
    const bounded = h.target.capabilities?.crossManagerVisibilityMs !== undefined;
    const where = bounded ? 'one manager (visibility across managers is bounded)' : 'two managers';
    it(`${h.modelRuns} random sequences of up to ${h.maxCommands} operations on ${where} match a reference Map`, {
      timeout: h.slowMs,
    }, async () => {
      const ns = h.namespace();
      const a = await h.open(ns);
      const real = { a, b: bounded ? a : await h.open(ns) };
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: h.maxCommands }), async (cmds) => {
          const prefix = `run${run++}/`;
          await fc.asyncModelRun(
            () => ({ model: new Map<string, Cell>(), real: { ...real, prefix } }),
            cmds,
          );
        }),
        { numRuns: h.modelRuns, ...(h.seed === undefined ? {} : { seed: h.seed }) },
      );
    });
  });
}
