import { isValidKey, type StateManager } from '@pforge/state-core';
import { type Command, Option } from 'commander';
import type { CliContext, GlobalOptions } from '../context.js';
import { writeText } from '../dump.js';
import { formatDuration, parseDuration } from '../duration.js';
import { ENCODINGS, type Encoding, parseValue, renderValue } from '../encoding.js';
import { EXIT, usageError } from '../errors.js';
import { commanderArg, parseCount } from './args.js';

const encodingOption = () =>
  new Option('-e, --encoding <encoding>', 'how the value is shown or read').choices(ENCODINGS);

function checkKey(key: string): string {
  if (!isValidKey(key)) {
    throw usageError(
      `invalid key ${JSON.stringify(key)}: keys are 1 to 1024 UTF-8 bytes`,
      'ERR_STATE_INVALID_KEY',
    );
  }
  return key;
}

function notFound(ctx: CliContext, key: string): void {
  ctx.result({ key, found: false }, []);
  if (!ctx.json) ctx.io.stderr.write(`pforge-state: key ${JSON.stringify(key)} not found\n`);
  ctx.exitCode = EXIT.failure;
}

const describeTtl = (ttl: number | null): string =>
  ttl === null ? 'no expiry' : `expires in ${formatDuration(ttl)} (${ttl} ms)`;

async function readStdin(ctx: CliContext): Promise<Uint8Array> {
  if ((ctx.io.stdin as { isTTY?: boolean }).isTTY) {
    throw usageError('set needs a value: give it after the key, or pipe it on stdin');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function listKeys(ctx: CliContext, state: StateManager, o: KeysOptions): Promise<void> {
  const out = ctx.io.stdout;
  let n = 0;
  if (o.json) out.write('[');
  for await (const key of state.keys(o.prefix ? { prefix: o.prefix } : undefined)) {
    if (o.limit !== undefined && n >= o.limit) break;
    await writeText(out, o.json ? `${n > 0 ? ',' : ''}\n${JSON.stringify(key)}` : `${key}\n`);
    n++;
  }
  if (o.json) out.write(n > 0 ? '\n]\n' : ']\n');
}

interface KeysOptions extends GlobalOptions {
  prefix?: string;
  limit?: number;
}

type ValueOptions = GlobalOptions & { encoding?: Encoding; ttl?: number };

async function getValue(ctx: CliContext, key: string, o: ValueOptions): Promise<void> {
  checkKey(key);
  await ctx.readStore(o.config, async ({ state }) => {
    const [value, ttl] = await Promise.all([state.get(key), state.ttl(key)]);
    if (value === undefined) return notFound(ctx, key);
    const shown = renderValue(key, value, o.encoding);
    const data = { key, found: true, encoding: shown.encoding, bytes: value.byteLength };
    const json = shown.encoding === 'json' ? shown.json : shown.text;
    ctx.result({ ...data, value: json, ttl: ttl ?? null }, shown.text);
    if (o.encoding === undefined && shown.encoding === 'base64') {
      ctx.note('pforge-state: the value is not valid UTF-8: shown as base64');
    }
  });
}

async function setValue(
  ctx: CliContext,
  key: string,
  input: string | undefined,
  o: ValueOptions,
): Promise<void> {
  checkKey(key);
  const value = parseValue(input ?? (await readStdin(ctx)), o.encoding);
  await ctx.withStore(o.config, async ({ state }) => {
    await state.set(key, value, o.ttl === undefined ? undefined : { ttl: o.ttl });
    const human = `set ${JSON.stringify(key)}: ${value.byteLength} bytes, ${describeTtl(o.ttl ?? null)}`;
    ctx.result({ key, bytes: value.byteLength, ttl: o.ttl ?? null }, human);
  });
}

async function deleteKey(ctx: CliContext, key: string, o: GlobalOptions): Promise<void> {
  checkKey(key);
  await ctx.readStore(o.config, async ({ state }) => {
    const deleted = await state.delete(key);
    ctx.result({ key, deleted }, deleted ? 'deleted' : 'not found: nothing deleted');
  });
}

async function showTtl(ctx: CliContext, key: string, o: GlobalOptions): Promise<void> {
  checkKey(key);
  await ctx.readStore(o.config, async ({ state }) => {
    const ttl = await state.ttl(key);
    if (ttl === undefined) return notFound(ctx, key);
    ctx.result({ key, found: true, ttl }, describeTtl(ttl));
  });
}

async function setExpiry(
  ctx: CliContext,
  key: string,
  ttl: number | null,
  o: GlobalOptions,
): Promise<void> {
  checkKey(key);
  await ctx.readStore(o.config, async ({ state }) => {
    if (!(await state.expire(key, ttl))) return notFound(ctx, key);
    ctx.result({ key, found: true, ttl }, describeTtl(ttl));
  });
}

const expiryArg = commanderArg((s: string) => (s === 'none' ? null : parseDuration(s)));

/** `keys`, `get`, `set`, `del`, `ttl` and `expire`. */
export function registerValueCommands(program: Command, ctx: CliContext): void {
  program
    .command('keys')
    .description('list the keys of the namespace (a JSON array with --json)')
    .option('-p, --prefix <prefix>', 'only keys that start with this')
    .option('-n, --limit <n>', 'at most this many keys', commanderArg(parseCount))
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<KeysOptions>();
      await ctx.readStore(o.config, ({ state }) => listKeys(ctx, state, o));
    });
  program
    .command('get')
    .description('print the value of a key (UTF-8 when valid, else base64; see --encoding)')
    .argument('<key>')
    .addOption(encodingOption())
    .action((key: string, _o, cmd: Command) => getValue(ctx, key, cmd.optsWithGlobals()));
  program
    .command('set')
    .description('store a value (read from stdin when not given)')
    .argument('<key>')
    .argument('[value]')
    .addOption(encodingOption())
    .option(
      '-t, --ttl <duration>',
      'expire after 250ms, 30s, 5m, 2h, 7d',
      commanderArg(parseDuration),
    )
    .action((key: string, input: string | undefined, _o, cmd: Command) =>
      setValue(ctx, key, input, cmd.optsWithGlobals()),
    );
  registerKeyCommands(program, ctx);
}

function registerKeyCommands(program: Command, ctx: CliContext): void {
  program
    .command('del')
    .description('delete a key (exit code 0 whether or not it existed)')
    .argument('<key>')
    .action((key: string, _o, cmd: Command) => deleteKey(ctx, key, cmd.optsWithGlobals()));
  program
    .command('ttl')
    .description('print the time a key has left')
    .argument('<key>')
    .action((key: string, _o, cmd: Command) => showTtl(ctx, key, cmd.optsWithGlobals()));
  program
    .command('expire')
    .description('set the time a key has left, or `none` to keep it for ever')
    .argument('<key>')
    .argument('<ttl>', 'a duration (30s, 5m, 2h, 7d) or `none`', expiryArg)
    .action((key: string, ttl: number | null, _o, cmd: Command) =>
      setExpiry(ctx, key, ttl, cmd.optsWithGlobals()),
    );
}
