import { type Command, Option } from 'commander';
import type { CliContext, GlobalOptions } from '../context.js';
import { type DumpSummary, dumpState } from '../dump.js';
import { formatDuration } from '../duration.js';
import { EXIT } from '../errors.js';
import { openRestoreInput } from '../input.js';
import { type MigrateSummary, migrateState } from '../migrate.js';
import type { OpenedStore } from '../open.js';
import { checkDump, type RestoreSummary, restoreState } from '../restore.js';
import { commanderArg, parseCount } from './args.js';

interface BulkOptions extends GlobalOptions {
  prefix?: string;
  batchSize: number;
}

const n = (x: number): string => x.toLocaleString('en-US');
const took = (ms: number, count: number): string =>
  `in ${formatDuration(ms)}${ms > 0 ? ` (${n(Math.round((count * 1000) / ms))}/s)` : ''}`;

const batchOption = () =>
  new Option('-b, --batch-size <n>', 'keys per batch (each batch is one atomic setMany)')
    .argParser(commanderArg(parseCount))
    .default(1000);

const INTERRUPTED = 'interrupted by Ctrl-C';
const WHOLE = 'every batch counted was written in full; nothing of a partial batch was written';

function dumpLines(s: DumpSummary): string {
  if (s.interrupted) {
    return `dump ${INTERRUPTED}: ${n(s.dumped)} keys written; the output holds whole lines only`;
  }
  return `dump: ${n(s.dumped)} keys ${took(s.elapsedMs, s.dumped)}`;
}

function restoreLines(s: RestoreSummary): string[] {
  const counts = `${n(s.written)} written, ${n(s.skipped)} skipped (already there), ${n(s.expired)} expired, ${n(s.failed)} failed`;
  const bad = s.bad > 0 ? `; ${n(s.bad)} bad lines skipped (first: ${s.badLines.join(', ')})` : '';
  const head =
    s.interrupted && s.done === 0
      ? `restore ${INTERRUPTED}: nothing was written`
      : s.interrupted
        ? `restore ${INTERRUPTED} after ${n(s.done)} of ${n(s.entries)} entries: ${counts}; ${WHOLE}; run it again to continue`
        : `restore: ${n(s.entries)} entries: ${counts}${bad} ${took(s.elapsedMs, s.done)}`;
  return [head, ...s.failures.map((f) => `  failed: ${JSON.stringify(f.key)}: ${f.message}`)];
}

function migrateLines(s: MigrateSummary): string[] {
  const counts = `${n(s.copied)} copied, ${n(s.skipped)} skipped (equal), ${n(s.expired)} expired meanwhile, ${n(s.failed)} failed`;
  const lines = s.interrupted
    ? [
        `migrate ${INTERRUPTED} after ${n(s.listed)} keys: ${counts}; ${WHOLE}; run it again to continue (equal keys are skipped)`,
      ]
    : [`migrate: ${n(s.listed)} keys: ${counts} ${took(s.elapsedMs, s.listed)}`];
  for (const f of s.failures) lines.push(`  failed: ${JSON.stringify(f.key)}: ${f.message}`);
  if (s.verify) {
    const v = s.verify;
    lines.push(
      `verify: ${n(v.checked)} keys checked, ${n(v.mismatched)} differ${v.keys.length ? ` (first: ${v.keys.map((k) => JSON.stringify(k)).join(', ')})` : ''}`,
    );
  }
  return lines;
}

function exitFor(ctx: CliContext, s: { interrupted: boolean; failed: number }): void {
  if (s.interrupted) ctx.exitCode = EXIT.interrupted;
  else if (s.failed > 0) ctx.exitCode = EXIT.failure;
}

async function dump(ctx: CliContext, o: BulkOptions, { state }: OpenedStore): Promise<void> {
  const progress = ctx.progress(o, 'dump');
  const summary = await dumpState(state, ctx.io.stdout, {
    batchSize: o.batchSize,
    countTotal: o.progress,
    progress,
    ...(o.prefix ? { prefix: o.prefix } : {}),
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
  }).finally(() => progress.stop());
  // stdout holds the dump: the summary goes to stderr.
  ctx.io.stderr.write(`${o.json ? JSON.stringify(summary) : dumpLines(summary)}\n`);
  exitFor(ctx, { ...summary, failed: 0 });
}

interface RestoreOptions extends BulkOptions {
  ifAbsent?: boolean;
  overwrite?: boolean;
  skipBad?: boolean;
}

async function restore(
  ctx: CliContext,
  file: string | undefined,
  o: RestoreOptions,
): Promise<void> {
  const input = await openRestoreInput(ctx.io, file);
  const signal = ctx.io.signal ? { signal: ctx.io.signal } : {};
  try {
    // The whole input is checked before the store is even opened: bad input touches nothing.
    const checked = await checkDump(input.lines, { skipBad: o.skipBad === true, ...signal });
    await ctx.withStore(o.config, async ({ state }) => {
      const progress = ctx.progress(o, 'restore', 'entries');
      const summary = await restoreState(state, input.lines, {
        mode: o.overwrite ? 'overwrite' : 'if-absent',
        batchSize: o.batchSize,
        checked,
        progress,
        ...signal,
      }).finally(() => progress.stop());
      ctx.result(summary, restoreLines(summary));
      exitFor(ctx, summary);
    });
  } finally {
    await input.close();
  }
}

interface MigrateCliOptions extends BulkOptions {
  from: string;
  to: string;
  verify?: boolean;
}

async function migrate(ctx: CliContext, o: MigrateCliOptions): Promise<void> {
  await ctx.readStore(o.from, (from) =>
    ctx.withStore(o.to, async (to) => {
      const progress = ctx.progress(o, 'migrate');
      const summary = await migrateState(from.state, to.state, {
        batchSize: o.batchSize,
        verify: o.verify === true,
        countTotal: o.progress,
        progress,
        ...(o.prefix ? { prefix: o.prefix } : {}),
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
      }).finally(() => progress.stop());
      ctx.result(summary, migrateLines(summary));
      exitFor(ctx, summary);
      if (summary.verify && summary.verify.mismatched > 0) ctx.exitCode = EXIT.failure;
    }),
  );
}

/** `dump`, `restore` and `migrate`. */
export function registerBulkCommands(program: Command, ctx: CliContext): void {
  program
    .command('dump')
    .description('write every live key as NDJSON to stdout: {"key","value" (base64),"expiresAt"}')
    .option('-p, --prefix <prefix>', 'only keys that start with this')
    .addOption(batchOption())
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<BulkOptions>();
      await ctx.readStore(o.config, (store) => dump(ctx, o, store));
    });

  program
    .command('restore')
    .description('write a dump (stdin, or FILE) back, keeping each remaining TTL')
    .argument('[file]', 'the dump to read (default: stdin)')
    .addOption(
      new Option('--if-absent', 'keep keys the store already holds (the default)').conflicts(
        'overwrite',
      ),
    )
    .addOption(new Option('--overwrite', 'replace keys the store already holds'))
    .option('--skip-bad', 'skip lines that are not dump entries instead of stopping')
    .addOption(batchOption())
    .action(async (file: string | undefined, _o, cmd: Command) => {
      await restore(ctx, file, cmd.optsWithGlobals<RestoreOptions>());
    });

  program
    .command('migrate')
    .description("copy live keys with their TTLs from one config's store to another's")
    .requiredOption('--from <file>', 'the pforge YAML file of the source')
    .requiredOption('--to <file>', 'the pforge YAML file of the target')
    .option('-p, --prefix <prefix>', 'only keys that start with this')
    .option('--verify', 'compare source and target afterwards')
    .addOption(batchOption())
    .action(async (_o, cmd: Command) => {
      await migrate(ctx, cmd.optsWithGlobals<MigrateCliOptions>());
    });
}
