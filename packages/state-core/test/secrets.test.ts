// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write ${VAR} references on purpose
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineBackend, defineOptions, option } from '../src/backend.js';
import { createStateManager, readStateConfig, registerBackend, StateError } from '../src/index.js';
import { urlSecrets } from '../src/redact.js';

/** Passwords of every awkward shape: the URL delimiters, percent signs, repeated `@`. */
const password = fc
  .array(fc.constantFrom('@', ':', '/', '#', '%', '?', 'x', 'Z', '9', 'pw', '@@'), {
    minLength: 3,
    maxLength: 12,
  })
  .map((parts) => `S${parts.join('')}Q`); // never shorter than 3, never just a delimiter

/** YAML files broken on, or right after, the password line (the parser quotes that line). */
const BAD_YAML: ((pw: string) => string)[] = [
  (pw) => `state:\n  backend: redis\n  password: "${pw}\n`,
  (pw) => `state:\n  backend: redis\n  password: "${pw}\n  namespace: x\n`,
  (pw) => `state:\n  password: ${pw}: "x\n  backend: redis\n`,
  (pw) => `state:\n  backend: redis\n  password: '${pw}\n`,
];

/** Everything a user or a log could see of `err`. */
function shown(err: unknown): string {
  const chain: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) chain.push(e.message, e.stack ?? '');
  return [...chain, inspect(err, { depth: 10 }), String(err)].join('\n');
}

/** A backend whose connect fails quoting its url, as a careless driver would. */
const leaky = defineBackend({
  name: 'test-leaky-url',
  options: defineOptions({
    source: 'test-leaky-url',
    options: {
      url: option({ schema: z.string(), required: true, doc: 'x' }),
      nodes: option({ schema: z.array(z.string()), doc: 'x' }),
    },
  }),
  create: (o) => {
    const err = new Error(`connect ECONNREFUSED ${o.url} (nodes ${o.nodes?.join(',') ?? '-'})`);
    throw Object.assign(err, { address: o.url, inner: { url: o.url } });
  },
});

describe('no secret reaches a message, a cause or util.inspect', () => {
  let unregister: () => void;
  let dir: string;
  beforeAll(async () => {
    unregister = registerBackend(leaky);
    dir = await mkdtemp(join(tmpdir(), 'pforge-secrets-'));
  });
  afterAll(async () => {
    unregister();
    await rm(dir, { recursive: true, force: true });
  });

  it('urlSecrets takes the userinfo up to the LAST @, and the password within it', () => {
    expect(urlSecrets('redis://app:p@ssw0rd@host:6379/0')).toEqual(['app:p@ssw0rd', 'p@ssw0rd']);
    expect(urlSecrets('rediss://:tok%40en@h')).toEqual([
      ':tok%40en',
      'tok%40en',
      ':tok@en',
      'tok@en',
    ]);
    expect(urlSecrets('redis://host:6379')).toEqual([]);
    expect(urlSecrets('not a url @ all')).toEqual([]);
  });

  it('in a url written in the config', async () => {
    await fc.assert(
      fc.asyncProperty(password, async (pw) => {
        const url = `redis://app:${pw}@db.internal:6379/0`;
        const err = await createStateManager({ backend: 'test-leaky-url', url }).catch((e) => e);
        expect(err).toBeInstanceOf(StateError);
        expect(shown(err)).not.toContain(pw);
      }),
      { numRuns: 150 },
    );
  });

  it('in a url read from ${VAR}, and in cluster node strings', async () => {
    await fc.assert(
      fc.asyncProperty(password, async (pw) => {
        const env = { REDIS_URL: `redis://default:${pw}@h:1`, NODE: `redis://:${pw}@n1:7000` };
        const config = { backend: 'test-leaky-url', url: '${REDIS_URL}', nodes: ['${NODE}'] };
        const err = await createStateManager(config, { env }).catch((e) => e);
        expect(err).toBeInstanceOf(StateError);
        expect(shown(err)).not.toContain(pw);
      }),
      { numRuns: 150 },
    );
  });

  it('in a YAML file with a syntax error on the password line', async () => {
    await fc.assert(
      fc.asyncProperty(password, fc.constantFrom(...BAD_YAML), async (pw, template) => {
        const file = join(dir, 'bad.yaml');
        await writeFile(file, template(pw));
        const err = await readStateConfig(file).catch((e) => e);
        expect(err).toMatchObject({ code: 'ERR_STATE_CONFIG' });
        expect(shown(err)).not.toContain(pw);
      }),
      { numRuns: 60 },
    );
  });

  it('a file URL in a stack trace (pnpm paths hold @) is no credential', async () => {
    const { redactText } = await import('../src/redact.js');
    const frame = 'at file:///w/node_modules/.pnpm/@vitest+runner@4.1.12/node_modules/x.js:1:2';
    expect(redactText(frame, [])).toBe(frame);
    expect(redactText('see redis://u:p@ss@h:1/0', [])).toBe('see redis://***@h:1/0');
    const err = await createStateManager({ backend: 'test-leaky-url', url: 'redis://h:1' }).catch(
      (e) => e,
    );
    expect(err.message).toBe(
      '[test-leaky-url] opening failed: connect ECONNREFUSED redis://h:1 (nodes -)',
    );
  });

  it('a client object passed in code (cyclic) is not walked for secrets', async () => {
    const { collectSecrets } = await import('../src/redact.js');
    class Client {
      self = this;
      password = 'not-collected';
    }
    const options = { url: 'redis://:pw-x@h', client: new Client(), nested: [{ token: 'tok-1' }] };
    expect(collectSecrets(options)).toEqual([':pw-x', 'pw-x', 'tok-1']);
  });

  it('does not mask what is not secret', async () => {
    const err = await createStateManager({ backend: 'test-leaky-url', url: 'http://nope' }).catch(
      (e) => e,
    );
    expect(err.message).toContain('http://nope');
    expect(err.message).not.toContain('***');
  });
});
