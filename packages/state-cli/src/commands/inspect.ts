import type { StateInspection } from '@pforge/state-core';
import { type Command, Option } from 'commander';
import type { CliContext, GlobalOptions } from '../context.js';
import {
  type Check,
  checkVersions,
  failed,
  hazards,
  inspectOrDescribe,
  measureLatency,
} from '../doctor.js';
import { EXIT } from '../errors.js';
import type { OpenedStore } from '../open.js';
import { collectStats, type StoreStats } from '../stats.js';
import { commanderArg, parseCount } from './args.js';

const n = (x: number): string => x.toLocaleString('en-US');

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function statLines(s: StoreStats): string[] {
  const mean = s.keys > 0 ? s.valueBytes / s.keys : 0;
  const lines = [
    `keys        ${n(s.keys)}${s.interrupted ? ' (interrupted by Ctrl-C: counted so far)' : ''}`,
    `values      ${formatBytes(s.valueBytes)} in all; smallest ${formatBytes(s.minValueBytes)}, largest ${formatBytes(s.maxValueBytes)}, mean ${formatBytes(Math.round(mean))}`,
  ];
  let below = 0;
  for (const { le, count } of s.sizes) {
    const label = le === null ? `> ${formatBytes(below)}` : `<= ${formatBytes(le)}`;
    if (count > 0) lines.push(`  ${label.padEnd(12)}${n(count)}`);
    below = le ?? below;
  }
  const t = s.ttl;
  lines.push(
    `expiry      within 1 min ${n(t.within_1m)}, within 1 h ${n(t.within_1h)}, within 1 day ${n(t.within_1d)}, later ${n(t.later)}, never ${n(t.never)}`,
  );
  return lines;
}

function infoLines(store: OpenedStore, info: StateInspection): string[] {
  const lines = [
    `config      ${store.configFile}`,
    `backend     ${info.backend} (${info.source})`,
    `namespace   ${info.namespace}`,
  ];
  const details = Object.entries(info.details);
  if (details.length > 0) lines.push('details');
  for (const [k, v] of details) lines.push(`  ${k.padEnd(22)}${String(v)}`);
  return lines;
}

interface InspectOptions extends GlobalOptions {
  prefix?: string;
  batchSize: number;
}

async function inspect(ctx: CliContext, o: InspectOptions, store: OpenedStore): Promise<void> {
  const info = await inspectOrDescribe(store);
  const progress = ctx.progress(o, 'inspect');
  const stats = await collectStats(store.state, {
    batchSize: o.batchSize,
    progress,
    ...(o.prefix ? { prefix: o.prefix } : {}),
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
  }).finally(() => progress.stop());
  ctx.result({ config: store.configFile, ...info, stats }, [
    ...infoLines(store, info),
    ...statLines(stats),
  ]);
  if (stats.interrupted) ctx.exitCode = EXIT.interrupted;
}

async function doctor(ctx: CliContext, o: GlobalOptions): Promise<Check[]> {
  let store: OpenedStore;
  const t0 = performance.now();
  try {
    store = await ctx.open(o.config);
  } catch (err) {
    const configProblem = (err as { code?: unknown }).code === 'ERR_STATE_CONFIG';
    return configProblem
      ? [failed('config', err)]
      : [{ name: 'config', status: 'ok', message: 'valid' }, failed('open', err)];
  }
  const checks: Check[] = [
    {
      name: 'config',
      status: 'ok',
      message: `${store.configFile}: backend ${store.backend}, namespace ${store.namespace}`,
    },
    {
      name: 'open',
      status: 'ok',
      message: `${store.backendPackage} opened in ${Math.round(performance.now() - t0)} ms`,
    },
  ];
  try {
    checks.push(await measureLatency(store.state).catch((err) => failed('latency', err)));
    checks.push(checkVersions(store));
    const info = await inspectOrDescribe(store).catch((err) => {
      checks.push(failed('inspect', err));
      return undefined;
    });
    if (info) checks.push(...hazards(info, store.backend));
  } finally {
    await store.state.close();
  }
  return checks;
}

/** `inspect` and `doctor`. */
export function registerInspectCommands(program: Command, ctx: CliContext): void {
  program
    .command('inspect')
    .description('backend, namespace, key count, value sizes, expiries and backend figures')
    .option('-p, --prefix <prefix>', 'only keys that start with this')
    .addOption(
      new Option('-b, --batch-size <n>', 'keys read per batch')
        .argParser(commanderArg(parseCount))
        .default(1000),
    )
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<InspectOptions>();
      await ctx.readStore(o.config, (store) => inspect(ctx, o, store));
    });

  program
    .command('doctor')
    .description('check the config, open the store, measure latency, check versions and hazards')
    .action(async (_o, cmd: Command) => {
      const checks = await doctor(ctx, cmd.optsWithGlobals<GlobalOptions>());
      const fails = checks.filter((c) => c.status === 'fail').length;
      const warns = checks.filter((c) => c.status === 'warn').length;
      const human = checks.map((c) => `${c.status.padEnd(5)} ${c.name.padEnd(18)} ${c.message}`);
      human.push(`doctor: ${fails} failed, ${warns} warnings`);
      ctx.result({ ok: fails === 0, checks }, human);
      if (fails > 0) ctx.exitCode = EXIT.failure;
    });
}
