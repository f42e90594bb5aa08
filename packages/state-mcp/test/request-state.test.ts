import type { ServerContext } from '@modelcontextprotocol/server';
import { expect, it } from 'vitest';
import {
  createSingleUseRequestState,
  isIdempotencyError,
  type RequestStateEnvelope,
} from '../src/index.js';
import { forEachTarget, rprefix, sleep } from './targets.js';

const KEY = 'k'.repeat(32);

/** The part of a handler context the helper reads: the round's state as the verify hook left it. */
function ctxOf(
  sub: string,
  state?: unknown,
  inputResponses?: Record<string, unknown>,
): ServerContext {
  const authInfo = { token: 'secret-token', clientId: 'app', scopes: [], extra: { sub } };
  const signal = new AbortController().signal;
  const mcpReq = { id: 1, method: 'tools/call', requestState: () => state, inputResponses, signal };
  return { mcpReq, http: { authInfo } } as unknown as ServerContext;
}

forEachTarget((h) => {
  it('redeems at most once across instances; a re-issue gets the same outcome', async () => {
    const managers = await h.openMany(3);
    const prefix = rprefix();
    const helpers = managers.map((m) =>
      createSingleUseRequestState<{ amount: number }>(m, { key: KEY, prefix }),
    );
    const token = await helpers[0]!.mint({ amount: 5 }, ctxOf('ada'));
    const env = await helpers[1]!.verify(token, ctxOf('ada')); // what the SDK's verify hook hands on
    const answers = { confirm: { action: 'accept', content: { ok: true } } };
    let runs = 0;
    const outs = await Promise.all(
      helpers.map((rs) =>
        rs.redeem(ctxOf('ada', env, answers), async ({ amount }) => {
          runs++;
          await sleep(50);
          return amount * 2;
        }),
      ),
    );
    expect(runs).toBe(1);
    expect(outs.map((o) => o?.value)).toEqual([10, 10, 10]);
    expect(outs.filter((o) => o?.replayed === false)).toHaveLength(1);
    const declined = helpers[2]!.redeem(
      ctxOf('ada', env, { confirm: { action: 'decline' } }),
      async () => 0,
    );
    await expect(declined).rejects.toSatisfy((e) => isIdempotencyError(e, 'already_redeemed'));
  });

  it('keeps a large payload server-side behind a reference, and drops it once redeemed', async () => {
    const state = await h.open();
    const prefix = rprefix();
    const rs = createSingleUseRequestState<{ blob: string }>(state, {
      key: KEY,
      prefix,
      inlineLimitBytes: 100,
    });
    const small = await rs.mint({ blob: 'tiny' }, ctxOf('ada'));
    const large = await rs.mint({ blob: 'x'.repeat(500) }, ctxOf('ada'));
    expect(small.length).toBeLessThan(300);
    expect(large.length).toBeLessThan(300); // only a reference rides in the state
    const env = await rs.verify(large, ctxOf('ada'));
    expect(env).toMatchObject({ r: 1 });
    expect(env.p).toBeUndefined();
    expect(await state.exists(`${prefix}p:${env.i}`)).toBe(true);
    const out = await rs.redeem(ctxOf('ada', env), async ({ blob }) => blob.length);
    expect(out?.value).toBe(500);
    expect(await state.exists(`${prefix}p:${env.i}`)).toBe(false);
    expect((await rs.redeem(ctxOf('ada', env), async () => -1))?.replayed).toBe(true);
  });

  it('refuses a state of another principal, a tampered one, and one for another request', async () => {
    const state = await h.open();
    const rs = createSingleUseRequestState<number>(state, { key: KEY, prefix: rprefix() });
    const token = await rs.mint(1, ctxOf('ada'), { request: { amount: 1 } });
    await expect(rs.verify(token, ctxOf('bob'))).rejects.toThrow('bind');
    const tampered = `${token.slice(0, -2)}AA`;
    await expect(rs.verify(tampered, ctxOf('ada'))).rejects.toThrow();
    // Without the verify hook the helper verifies the raw string itself.
    const raw = rs.redeem(ctxOf('ada', tampered), async () => 1);
    await expect(raw).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_ARGUMENT' });
    const env: RequestStateEnvelope = await rs.verify(token, ctxOf('ada'));
    const other = rs.redeem(ctxOf('ada', env), async () => 1, { request: { amount: 100 } });
    await expect(other).rejects.toThrow(/not for this request/);
    const right = await rs.redeem(ctxOf('ada', token), async () => 'ok', {
      request: { amount: 1 },
    });
    expect(right?.value).toBe('ok');
    expect(await rs.redeem(ctxOf('ada'), async () => 1)).toBeUndefined(); // a round without state
  });

  it('checks its options', async () => {
    const state = await h.open();
    expect(() => createSingleUseRequestState(state, { key: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => createSingleUseRequestState(state, { key: KEY, inlineLimitBytes: -1 })).toThrow(
      /inlineLimitBytes/,
    );
  });
});
