import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countLive, makeTarget, run, runIn, tempDir, using, writeConfig } from './helpers.js';

/** A config on an LMDB path that does not exist yet: any command that opened it would create it. */
function setup() {
  const dir = tempDir();
  const target = makeTarget('lmdb', dir);
  writeConfig(dir, 'pforge.yaml', target.block);
  return { dir, target, untouched: () => !existsSync(target.block.path as string) };
}

/**
 * What core's own factory says about each config file, asked in a plain Node process (as the
 * bin is), not in this test worker: core's message can depend on the stack it is thrown
 * through (a pnpm path such as `.pnpm/@vitest+runner@4.1.12/` in a stack frame reads as URL
 * credentials to core's redaction, which then rewraps the message).
 */
function factoryMessages(files: string[]): string[] {
  const script = `
    import { createStateManager, readStateConfig } from '@pforge/state-core';
    const out = [];
    for (const file of process.argv.slice(1)) {
      out.push(await readStateConfig(file).then((b) => createStateManager(b)).then(() => 'opened', (e) => e.message));
    }
    process.stdout.write(JSON.stringify(out));`;
  const text = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...files], {
    cwd: process.cwd(),
    encoding: 'utf8',
  });
  return JSON.parse(text) as string[];
}

const line = (key: string, expiresAt: number | null = null) =>
  JSON.stringify({ key, value: Buffer.from(key).toString('base64'), expiresAt });

describe('bad input: one clear line, the right exit code, nothing touched', () => {
  it('an unknown command or flag says "did you mean" and exits 2', async () => {
    const { dir, untouched } = setup();
    const cmd = await run(['inpsect'], { cwd: dir });
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toBe(
      "pforge-state: unknown command 'inpsect' (did you mean inspect?) (see pforge-state --help)\n",
    );
    const flag = await run(['keys', '--prefx', 'a'], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(
      /^pforge-state: unknown option '--prefx' \(did you mean --prefix\?\)/,
    );
    expect(flag.stderr.trim().split('\n')).toHaveLength(1);
    const json = await run(['dump', '--overwrite', '--json'], { cwd: dir });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'ERR_STATE_INVALID_ARGUMENT', message: "unknown option '--overwrite'" },
    });
    expect((await run([], { cwd: dir })).code).toBe(2);
    expect((await run(['--help'], { cwd: dir })).code).toBe(0);
    expect(untouched()).toBe(true);
  });

  it('commands that read refuse an LMDB path where nothing was written, and create nothing', async () => {
    const { dir, target, untouched } = setup();
    for (const args of [
      ['inspect'],
      ['keys'],
      ['get', 'k'],
      ['dump'],
      ['migrate', '--from', 'pforge.yaml', '--to', 'pforge.yaml'],
    ]) {
      const r = await runIn(args, { cwd: dir });
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({
        args,
        code: 1,
        stderr: `pforge-state: no store at ${target.block.path} (\`path\` in ${join(dir, 'pforge.yaml')}): nothing was written there yet\n`,
      });
    }
    expect(untouched()).toBe(true);
  });

  it('a bad duration is a usage error (exit 2, one line) and writes nothing', async () => {
    const { dir, untouched } = setup();
    const spawned = await run(['set', 'k', 'v', '--ttl', '0'], { cwd: dir });
    expect(spawned.code).toBe(2);
    expect(spawned.stderr).toBe(
      "pforge-state: option '-t, --ttl <duration>' argument '0' is invalid. it must be from 1ms to 3650d (ms, s, m, h or d: 250ms, 30s, 5m, 2h, 7d) (see pforge-state --help)\n",
    );
    for (const ttl of ['-5s', '1.5s', '0.5ms', 'abc', '5x', '5 m', '3651d', '']) {
      const r = await runIn(['set', 'k', 'v', '--ttl', ttl], { cwd: dir });
      expect({ ttl, code: r.code, lines: r.stderr.trim().split('\n').length }).toEqual({
        ttl,
        code: 2,
        lines: 1,
      });
      expect(r.stderr).toMatch(
        /^pforge-state: option '-t, --ttl <duration>' argument .* is invalid\. /,
      );
    }
    expect(untouched()).toBe(true);
  });

  it('other bad arguments: encoding, limit, batch size, key, conflicting flags, a missing option', async () => {
    const { dir, untouched } = setup();
    for (const args of [
      ['get', 'k', '--encoding', 'xml'],
      ['keys', '--limit', '0'],
      ['dump', '--batch-size', '1e3'],
      ['get', ''],
      ['restore', '--if-absent', '--overwrite'],
      ['migrate', '--from', 'pforge.yaml'],
      ['expire', 'k', 'soon'],
      ['set', 'k', 'zz', '-e', 'hex'],
      ['get', 'k', 'extra'],
    ]) {
      const r = await runIn(args, { cwd: dir });
      expect({ args, code: r.code, lines: r.stderr.trim().split('\n').length }).toEqual({
        args,
        code: 2,
        lines: 1,
      });
    }
    expect(untouched()).toBe(true);
  });

  it('a corrupt NDJSON line names its line number and nothing is written; --skip-bad goes on', async () => {
    const { dir, target } = setup();
    const input = [
      line('a'),
      line('b'),
      '{"key":"c","value":"not base64!","expiresAt":null}',
      line('d'),
      '{oops',
      '',
    ].join('\n');
    const r = await run(['restore'], { cwd: dir, input });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'pforge-state: line 3 of the input is not a dump entry: `value` must be a base64 string; nothing was written (--skip-bad skips such lines)\n',
    );
    await using(target.open, async (s) => expect(await countLive(s)).toBe(0));
    const skipped = await run(['restore', '--skip-bad', '--json'], { cwd: dir, input });
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({
      entries: 3,
      written: 3,
      bad: 2,
      badLines: [3, 5],
    });
    await using(target.open, async (s) => expect(await countLive(s)).toBe(3));
  });

  it.each([
    ['not JSON', '{"key":', 'not valid JSON'],
    ['an array', '[1]', 'not a JSON object'],
    [
      'an unknown field',
      '{"key":"k","value":"","expiresAt":null,"ttl":5}',
      'unexpected field "ttl"',
    ],
    ['an empty key', '{"key":"","value":"","expiresAt":null}', '`key` must be'],
    ['a fractional expiry', '{"key":"k","value":"","expiresAt":1.5}', '`expiresAt` must be'],
  ])('a line with %s is rejected', async (_what, bad, why) => {
    const { dir, untouched } = setup();
    const r = await runIn(['restore'], { cwd: dir, input: `${line('a')}\n${bad}\n` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`line 2 of the input is not a dump entry: ${why}`);
    expect(untouched()).toBe(true);
  });

  it("config problems carry the factory's exact message", async () => {
    const dir = tempDir();
    const cases: Record<string, string> = {
      'typo.yaml': 'state:\n  backend: lmbd\n  path: ./db\n',
      'option.yaml': 'state:\n  backend: lmdb\n  path: ./db\n  cahce_size: 3\n',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference in YAML
      'var.yaml': 'state:\n  backend: redis\n  url: ${PFORGE_CLI_TEST_UNSET_VAR}\n',
      'nostate.yaml': 'other: 1\n',
      'broken.yaml': 'state: [\n',
    };
    for (const [name, text] of Object.entries(cases)) writeFileSync(join(dir, name), text);
    const expected = factoryMessages(Object.keys(cases).map((name) => join(dir, name)));
    for (const [i, name] of Object.keys(cases).entries()) {
      const r = await run(['-c', name, 'keys', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      const message = JSON.parse(r.stderr).error.message;
      expect({ name, message }).toEqual({ name, message: expected[i] });
    }
    const doctor = await run(['-c', 'typo.yaml', 'doctor', '--json'], { cwd: dir });
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.stdout).checks).toEqual([
      { name: 'config', status: 'fail', message: expected[0], data: { code: 'ERR_STATE_CONFIG' } },
    ]);
    const missing = await run(['-c', 'nope.yaml', 'keys'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `pforge-state: [@pforge/state-core] config file ${join(dir, 'nope.yaml')} does not exist\n`,
    );
  });
});
