import { expect, it } from 'vitest';
import { createIdempotency, isIdempotencyError } from '../src/index.js';
import { forEachTarget, rprefix, sleep } from './targets.js';

const never = () => new Promise<never>(() => {});

forEachTarget((h) => {
  it('runs once, then replays the recorded outcome with the same fencing token', async () => {
    const idem = createIdempotency(await h.open(), { prefix: rprefix() });
    let runs = 0;
    const fn = async () => ({ n: ++runs, at: new Date(5) });
    const first = await idem.run({ key: 'k1', fingerprint: { a: 1 } }, fn);
    const again = await idem.run({ key: 'k1', fingerprint: { a: 1 } }, fn);
    expect(runs).toBe(1);
    expect(first).toMatchObject({ value: { n: 1 }, replayed: false });
    expect(again).toEqual({ ...first, replayed: true });
    expect(again.value.at).toBeInstanceOf(Date); // the codec keeps Dates
    const other = await idem.run({ key: 'k2', fingerprint: { a: 1 } }, fn);
    expect(other.fencingToken).toBeGreaterThan(first.fencingToken);
  });

  it('20 concurrent duplicates on 4 instances run the side effect once and all get its outcome', async () => {
    const managers = await h.openMany(4);
    const prefix = rprefix();
    const stores = managers.map((m) => createIdempotency(m, { prefix, waitMs: 15_000 }));
    const effects = rprefix('effects');
    const side = async () => {
      await sleep(100); // long enough for every duplicate to arrive while it runs
      return managers[0]!.increment(effects);
    };
    const outs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % 4]!.run({ key: 'pay-1', fingerprint: { amount: 5 } }, side),
      ),
    );
    expect(await managers[1]!.get(effects)).toEqual(new TextEncoder().encode('1'));
    expect(outs.filter((o) => !o.replayed)).toHaveLength(1);
    expect(new Set(outs.map((o) => o.value))).toEqual(new Set([1]));
    expect(new Set(outs.map((o) => o.fencingToken)).size).toBe(1);
  });

  it('fencing tokens are unique across instances; a takeover token is larger than all handed out', async () => {
    const managers = await h.openMany(3);
    const prefix = rprefix();
    const stores = managers.map((m, i) =>
      createIdempotency(m, { prefix, fencingBlock: [1, 5, 64][i] }),
    );
    const outs = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        stores[i % 3]!.run({ key: `k${i}` }, async (c) => c.fencingToken),
      ),
    );
    const tokens = outs.map((o) => o.value);
    expect(new Set(tokens).size).toBe(90);
    expect(outs.every((o) => o.fencingToken === o.value)).toBe(true);
  });

  it('refuses a key reused with different arguments, while running and after', async () => {
    const idem = createIdempotency(await h.open(), { prefix: rprefix() });
    let release = () => {};
    const running = idem.run({ key: 'k', fingerprint: { to: 'a', amount: 5 } }, async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      return 'done';
    });
    await sleep(50);
    const during = idem.run({ key: 'k', fingerprint: { to: 'b', amount: 5 } }, async () => 'x');
    await expect(during).rejects.toSatisfy((e) => isIdempotencyError(e, 'key_reused'));
    release();
    await running;
    const after = idem.run({ key: 'k', fingerprint: { amount: 5, to: 'b' } }, async () => 'x');
    await expect(after).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_ARGUMENT',
      reason: 'key_reused',
    });
    // Same arguments in another key order is the same request.
    const same = await idem.run({ key: 'k', fingerprint: { amount: 5, to: 'a' } }, async () => 'x');
    expect(same).toMatchObject({ value: 'done', replayed: true });
  });

  it('scopes keys by principal and scope', async () => {
    const idem = createIdempotency(await h.open(), { prefix: rprefix() });
    let runs = 0;
    const fn = async () => ++runs;
    await idem.run({ key: 'k', principal: 'sub:ada' }, fn);
    await idem.run({ key: 'k', principal: 'sub:bob' }, fn);
    await idem.run({ key: 'k', principal: 'sub:ada', scope: 'other-tool' }, fn);
    expect((await idem.run({ key: 'k', principal: 'sub:ada' }, fn)).replayed).toBe(true);
    expect(runs).toBe(3);
  });

  it('records nothing when the call throws, so a retry runs again', async () => {
    const idem = createIdempotency(await h.open(), { prefix: rprefix() });
    let runs = 0;
    const failing = idem.run({ key: 'k' }, async () => {
      runs++;
      throw new Error('card declined');
    });
    await expect(failing).rejects.toThrow('card declined');
    expect((await idem.run({ key: 'k' }, async () => ++runs)).replayed).toBe(false);
    expect(runs).toBe(2);
  });

  it('a duplicate waits at most waitMs, then gets a clear in_progress error', async () => {
    const idem = createIdempotency(await h.open(), { prefix: rprefix(), waitMs: 300 });
    void idem.run({ key: 'slow' }, never).catch(() => {});
    await sleep(50);
    const started = Date.now();
    const dup = idem.run({ key: 'slow' }, async () => 'second');
    await expect(dup).rejects.toMatchObject({
      code: 'ERR_STATE_UNAVAILABLE',
      reason: 'in_progress',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expect(dup).rejects.toThrow(/still in progress/);
  });

  it('renews the lease of a call that runs longer than leaseTtlMs', async () => {
    const [a, b] = await h.openMany(2);
    const prefix = rprefix();
    const options = { prefix, leaseTtlMs: 800, waitMs: 10_000 };
    const first = createIdempotency(a!, options).run({ key: 'long' }, async () => {
      await sleep(2_500);
      return 'slow result';
    });
    await sleep(1_800); // past two lease lengths: only renewal keeps it alive
    const dup = await createIdempotency(b!, options).run({ key: 'long' }, async () => 'rerun!');
    expect(dup).toMatchObject({ value: 'slow result', replayed: true });
    expect((await first).replayed).toBe(false);
  });

  it('after the instance running a call loses the store, a retry gets outcome_unknown, not a second run', async () => {
    const [a, b] = await h.openMany(2);
    const options = { prefix: rprefix(), leaseTtlMs: 300 };
    let runs = 0;
    void createIdempotency(a!, options)
      .run({ key: 'k' }, async () => {
        runs++;
        return never();
      })
      .catch(() => {});
    await sleep(50);
    await a!.close(); // renewals now fail: the lease lapses as if the process died
    await sleep(400);
    const retry = createIdempotency(b!, options).run({ key: 'k' }, async () => ++runs);
    await expect(retry).rejects.toMatchObject({
      code: 'ERR_STATE_BACKEND',
      reason: 'outcome_unknown',
    });
    expect(runs).toBe(1);
  });

  it('with recover, a retry after a lapsed lease takes over with a new token and records what recover says', async () => {
    const [a, b] = await h.openMany(2);
    const options = { prefix: rprefix(), leaseTtlMs: 300 };
    let token = 0;
    void createIdempotency(a!, options)
      .run({ key: 'k' }, async (call) => {
        token = call.fencingToken;
        return never();
      })
      .catch(() => {});
    await sleep(50);
    await a!.close();
    await sleep(400);
    const idem = createIdempotency(b!, options);
    let previous = 0;
    const out = await idem.run(
      {
        key: 'k',
        recover: async (call) => {
          previous = call.previousToken;
          return { value: 'found in the ledger' };
        },
      },
      async () => 'ran again!',
    );
    expect(previous).toBe(token);
    expect(out).toMatchObject({ value: 'found in the ledger', replayed: false });
    expect(out.fencingToken).toBeGreaterThan(token);
    expect((await idem.run({ key: 'k' }, async () => 'x')).value).toBe('found in the ledger');
  });

  it('record: false releases the key; forget() deletes a record', async () => {
    const idem = createIdempotency(await h.open(), { prefix: rprefix() });
    let runs = 0;
    const fn = async () => ++runs;
    await idem.run({ key: 'k', record: () => false }, fn);
    expect((await idem.run({ key: 'k' }, fn)).value).toBe(2);
    expect(await idem.forget({ key: 'k' })).toBe(true);
    expect((await idem.run({ key: 'k' }, fn)).value).toBe(3);
  });

  it('an abort before the claim runs nothing; an abort after it does not stop the recording', async () => {
    const idem = createIdempotency(await h.open(), { prefix: rprefix() });
    const gone = AbortSignal.abort();
    await expect(idem.run({ key: 'a', signal: gone }, async () => 'x')).rejects.toThrow();
    const controller = new AbortController();
    const out = idem.run({ key: 'b', signal: controller.signal }, async () => {
      controller.abort(); // the client disconnects once the side effect has started
      await sleep(50);
      return 'charged';
    });
    expect((await out).value).toBe('charged');
    expect(await idem.run({ key: 'b' }, async () => 'again')).toMatchObject({
      value: 'charged',
      replayed: true,
    });
  });

  it('rejects bad keys and options with ERR_STATE_INVALID_ARGUMENT', async () => {
    const state = await h.open();
    expect(() => createIdempotency(state, { leaseTtlMs: 0 })).toThrow(/leaseTtlMs/);
    expect(() => createIdempotency(state, { leaseTtlMs: 100, renewIntervalMs: 100 })).toThrow(
      /renewIntervalMs/,
    );
    const idem = createIdempotency(state, { prefix: rprefix() });
    await expect(idem.run({ key: '' }, async () => 1)).rejects.toMatchObject({
      reason: 'key_missing',
    });
    await expect(idem.run({ key: 'x'.repeat(256) }, async () => 1)).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_ARGUMENT',
    });
  });
});
