import { inspect } from 'node:util';
import {
  type RedisServer,
  skipWithoutRedis,
  skipWithoutRedisTls,
  startRedis,
} from '@pforge/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisState, redisBackend, resolveOptions } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b);
const PASSWORD = 'Sup3r$ecret/pw';
const ALICE = 'alice-Pa55:w0rd';

/** Every rendering of an error a user or a logger might print, causes included. */
function renderings(err: unknown): string {
  const e = err as Error & { cause?: Error };
  return [
    String(e),
    e.message,
    e.stack,
    inspect(e, { depth: 5 }),
    JSON.stringify(e),
    String(e.cause),
    e.cause?.stack,
    inspect(e.cause),
  ].join('\n');
}

function expectNoSecret(err: unknown, ...secrets: string[]): void {
  const text = renderings(err);
  for (const s of secrets) {
    expect(text).not.toContain(s);
    expect(text).not.toContain(encodeURIComponent(s));
  }
}

describe.skipIf(skipWithoutRedis())('authentication', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({
      password: PASSWORD,
      config: { user: [`alice on >${ALICE} ~* &* +@all`] },
    });
  });
  afterAll(() => redis?.stop());

  it('requirepass: the password in the URL works', async () => {
    const m = await createRedisState({ url: redis.url, namespace: 'auth' });
    await m.set('a', enc('1'));
    expect(dec(await m.get('a'))).toBe('1');
    await m.close();
  });

  it('an ACL user with its password works (URL or options)', async () => {
    const a = await createRedisState({
      url: `redis://alice:${encodeURIComponent(ALICE)}@127.0.0.1:${redis.port}`,
      namespace: 'acl',
    });
    await a.set('a', enc('2'));
    const b = await createRedisState({
      url: `redis://127.0.0.1:${redis.port}`,
      username: 'alice',
      password: ALICE,
      namespace: 'acl',
    });
    expect(dec(await b.get('a'))).toBe('2');
    await Promise.all([a.close(), b.close()]);
  });

  it('a wrong password gives a clear ERR_STATE_CONFIG without the password anywhere', async () => {
    const wrong = 'Wr0ng-pa$$word';
    for (const url of [
      `redis://:${encodeURIComponent(wrong)}@127.0.0.1:${redis.port}`,
      `redis://alice:${encodeURIComponent(wrong)}@127.0.0.1:${redis.port}`,
    ]) {
      const err = await createRedisState({ url, connectTimeoutMs: 3000 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'StateError', code: 'ERR_STATE_CONFIG' });
      expect((err as Error).message).toMatch(/refused the credentials/);
      expectNoSecret(err, wrong, PASSWORD);
    }
  });

  it('no password: a clear error too', async () => {
    const err = await createRedisState({
      url: `redis://127.0.0.1:${redis.port}`,
      connectTimeoutMs: 3000,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_STATE_CONFIG' });
    expect((err as Error).message).toMatch(/NOAUTH|credentials/);
  });
});

describe('secrets in config errors', () => {
  it('never shows the password of a bad URL, nodes or options', () => {
    const secret = 'hunter2-very-secret';
    const attempts: unknown[] = [
      { url: `http://user:${secret}@host:6379` },
      { url: `redis://user:${secret}@host:6379/notadb` },
      { url: `redis://user:${secret}@host:6379`, cluster: { nodes: ['a:1'] } },
      { cluster: { nodes: [`redis://u:${secret}@h:1/3`, 'nope'] } },
      { url: `redis://:${secret}@h:1`, pool_size: 'many', pasword: secret },
    ];
    for (const input of attempts) {
      let err: unknown;
      try {
        resolveOptions(input);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'ERR_STATE_CONFIG' });
      expectNoSecret(err, secret);
    }
  });

  it('names every problem with its dot-path, and a likely typo', () => {
    let msg = '';
    try {
      redisBackend.resolveOptions({
        url: 'http://x',
        pool_size: 0,
        comand_timeout_ms: 5,
        cluster: { nodes: [] },
      });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('`state.url`');
    expect(msg).toContain('`state.pool_size`');
    expect(msg).toContain(
      '`state.comand_timeout_ms`: unknown option (did you mean `command_timeout_ms`?)',
    );
    expect(msg).toContain('`state.cluster.nodes`');
  });
});

describe.skipIf(skipWithoutRedisTls())(
  'TLS (rediss://, self-signed certificate made with openssl)',
  () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedis({ tls: true, password: PASSWORD });
    }, 60_000);
    afterAll(() => redis?.stop());

    it('connects over rediss:// trusting the certificate as CA', async () => {
      const m = await createRedisState({
        url: redis.tlsUrl!,
        tls: { ca: redis.tls!.ca },
        namespace: 'tls',
      });
      await m.set('a', enc('secure'));
      expect(dec(await m.get('a'))).toBe('secure');
      await m.close();
    });

    it('reads the CA from a file given in YAML (`tls.ca_file`)', async () => {
      const options = resolveOptions({
        url: redis.tlsUrl!,
        tls: { ca_file: redis.tls!.certFile },
        namespace: 'tls',
      });
      const m = await redisBackend.create(options);
      expect(dec(await m.get('a'))).toBe('secure');
      await m.close();
    });

    it('refuses an untrusted certificate with ERR_STATE_UNAVAILABLE naming the cause, no password', async () => {
      const err = await createRedisState({ url: redis.tlsUrl!, connectTimeoutMs: 1000 }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' });
      expect((err as Error).message).toMatch(/certificate/i);
      expectNoSecret(err, PASSWORD);
    });
  },
);
