// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write ${VAR} references on purpose
import { inspect } from 'node:util';
import { createStateManager, isStateError, registerBackend } from '@pforge/state-core';
import { type RedisServer, skipWithoutRedis, startRedis } from '@pforge/test-redis';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisState, redisBackend, resolveOptions } from '../src/index.js';

/** Distinctive pieces of a password: none of them may show anywhere. */
const piece = fc.integer({ min: 1_000_000, max: 9_999_999 }).map((n) => `Pw${n}`);
const sep = fc.constantFrom(
  '@',
  '@@',
  ':',
  '/',
  '#',
  '%',
  '?',
  '%40',
  '%3A',
  '%2F',
  '%25',
  ':@',
  '@/',
);
/** A password shape: pieces joined by the characters URLs give a meaning to. */
const password = fc
  .tuple(piece, fc.array(fc.tuple(sep, piece), { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([first, rest, trailing]) => {
    const pieces = [first, ...rest.map(([, p]) => p)];
    const text = first + rest.map(([s, p]) => s + p).join('') + (trailing ? '@' : '');
    return { text, pieces };
  });
/** The password as it sits in a URL: as typed, or percent-encoded as the README asks. */
const inUrl = fc.tuple(password, fc.boolean()).map(([pw, encode]) => ({
  ...pw,
  url: encode ? encodeURIComponent(pw.text) : pw.text,
}));

/** Everything a user or a logger might print of an error, its whole cause chain included. */
function everything(err: unknown): string {
  const out = [inspect(err, { depth: 10 }), String(err), JSON.stringify(err)];
  for (let e: unknown = err, i = 0; e instanceof Error && i < 10; e = e.cause, i++) {
    out.push(e.message, e.stack ?? '', JSON.stringify((e as { issues?: unknown }).issues ?? ''));
  }
  return out.join('\n');
}

function expectHidden(err: unknown, pw: { text: string; pieces: string[] }): void {
  expect(isStateError(err), String(err)).toBe(true);
  const text = everything(err);
  for (const p of [...pw.pieces, pw.text, encodeURIComponent(pw.text)]) {
    expect(text, `"${p}" of ${JSON.stringify(pw.text)} leaked`).not.toContain(p);
  }
}

async function failure(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('passwords never show in config errors (property test over password shapes)', () => {
  it('through url, a bad /db, cluster and sentinel nodes, code options and the factory with ${VAR}', async () => {
    const unregister = registerBackend(redisBackend);
    try {
      await fc.assert(
        fc.asyncProperty(inUrl, async (pw) => {
          const p = pw.url;
          const bad: unknown[] = [
            { url: `redis://app:${p}@cache.internal:6379/x` },
            { url: `redis://:${p}@cache.internal:6379/0`, pool_size: 0 },
            { url: `http://app:${p}@cache.internal` },
            { url: `redis://${p}@cache.internal/99999` },
            { cluster: { nodes: [`redis://app:${p}@h:7000/3`, `app:${p}@h:7001`, 'nope'] } },
            { sentinel: { name: 'm', nodes: [`redis://:${p}@s1:26379/1`, `:${p}@s2:1`] } },
          ];
          for (const input of bad) {
            expectHidden(await failure(() => resolveOptions(input)), pw);
            const env = { REDIS_URL: (input as { url?: string }).url ?? '' };
            const viaEnv = env.REDIS_URL ? { ...(input as object), url: '${REDIS_URL}' } : input;
            const err = await failure(() =>
              createStateManager({ backend: 'redis', ...(viaEnv as object) }, { env }),
            );
            expect(err).toMatchObject({ code: 'ERR_STATE_CONFIG' });
            expectHidden(err, pw);
          }
          const code = await failure(() =>
            createRedisState({ url: `redis://app:${p}@h:1/x`, poolSize: 0 }),
          );
          expectHidden(code, pw);
        }),
        { numRuns: 150 },
      );
    } finally {
      unregister();
    }
  }, 60_000);

  it('shows what is not secret as written', () => {
    for (const [url, shown] of [
      ['http://nope', '"http://nope"'],
      ['redis://h:6379/x', '"redis://h:6379/x"'],
      ['redis://app:pw@h:6379/x', '"redis://***@h:6379/x"'],
      ['redis://app:p@ss@h:6379/x', '"redis://***@h:6379/x"'],
    ] as const) {
      let message = '';
      try {
        resolveOptions({ url });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain(shown);
    }
  });
});

describe.skipIf(skipWithoutRedis())('passwords never show in connection errors', () => {
  const SERVER_PASSWORD = 'the-real-Pw0000000';
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ password: SERVER_PASSWORD });
  });
  afterAll(() => redis?.stop());

  it('wrong passwords of every shape: ERR_STATE_CONFIG (refused) or a config error, nothing shown', async () => {
    const unregister = registerBackend(redisBackend);
    try {
      await fc.assert(
        fc.asyncProperty(inUrl, fc.boolean(), async (pw, viaFactory) => {
          const url = `redis://app:${pw.url}@127.0.0.1:${redis.port}`;
          const err = await failure(() =>
            viaFactory
              ? createStateManager(
                  { backend: 'redis', url: '${REDIS_URL}', connect_timeout_ms: 2000 },
                  { env: { REDIS_URL: url } },
                )
              : createRedisState({ url, connectTimeoutMs: 2000 }),
          );
          expect(err).toMatchObject({ code: 'ERR_STATE_CONFIG' });
          expectHidden(err, pw);
          expectHidden(err, { text: SERVER_PASSWORD, pieces: [] });
        }),
        { numRuns: 40 },
      );
    } finally {
      unregister();
    }
  }, 60_000);
});
