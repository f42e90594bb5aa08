#!/usr/bin/env node
/**
 * `pnpm demo`: starts two instances of the demo MCP server (dist/main.js) over Streamable HTTP
 * on one store, drives them with SDK v2 clients whose requests alternate between the two, and
 * prints what happens, step by step. Run it twice: the counter continues.
 */
import { relative } from 'node:path';
import { connectHttp, type HttpClient } from './client/connect.js';
import { type ServerInstance, startInstance } from './client/instances.js';
import { callTool } from './client/tool-call.js';
import {
  counterStep,
  type DemoRun,
  handleStep,
  notificationStep,
  sharedStep,
  statsStep,
  transferStep,
} from './demo-steps.js';

const say = (line = '') => process.stdout.write(`${line}\n`);

async function run(): Promise<void> {
  say('@pforge/state demo: one MCP server (SDK v2), two instances, one store');
  say();
  const started = performance.now();
  const args = process.argv.slice(2);
  let instances: ServerInstance[];
  try {
    instances = await startBoth(args);
  } catch (err) {
    say(`The server did not start:\n${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
    return;
  }
  const clients: HttpClient[] = [];
  try {
    const urls = instances.map((i) => i.url);
    clients.push(
      ...(await Promise.all([connectHttp(urls), connectHttp([urls[0]!]), connectHttp([urls[1]!])])),
    );
    const [both, a, b] = clients as [HttpClient, HttpClient, HttpClient];
    if (!(await introduce(instances, both, performance.now() - started))) return;
    const steps: DemoRun = { both, a: a.client, b: b.client, say };
    for (const step of [
      counterStep,
      handleStep,
      transferStep,
      notificationStep,
      sharedStep,
      statsStep,
    ]) {
      await step(steps);
    }
  } catch (err) {
    say(`\nThe demo failed: ${err instanceof Error ? err.message : String(err)}`);
    for (const i of instances) say(`Server log (pid ${i.pid}):\n${i.stderr().trim()}`);
    process.exitCode = 1;
  } finally {
    await Promise.allSettled(clients.map((c) => c.client.close()));
    await stopBoth(instances);
  }
}

async function startBoth(args: string[]): Promise<ServerInstance[]> {
  const results = await Promise.allSettled([startInstance(args), startInstance(args)]);
  const up = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed === undefined) return up;
  await Promise.all(up.map((i) => i.stop()));
  throw failed.reason;
}

/** Prints where things run; false (and exit code 1) when the store cannot be shared. */
async function introduce(
  instances: ServerInstance[],
  both: HttpClient,
  took: number,
): Promise<boolean> {
  const stats = (await callTool(both.client, 'state_stats')).data;
  const { tools } = await both.client.listTools();
  say(`Started 2 instances of the server (Streamable HTTP) in ${Math.round(took)} ms:`);
  for (const [i, inst] of instances.entries()) say(`  ${'AB'[i]}  ${inst.url}  (pid ${inst.pid})`);
  say(
    `  state: ${stats.backend}, namespace "${stats.namespace}", ${stats.key_count} keys so far ` +
      `(the \`state:\` block of ${shortPath(String(stats.config_file))})`,
  );
  say('  client: MCP 2026-07-28 (stateless); its fetch sends each request to the next instance');
  say(`  tools: ${tools.map((t) => t.name).join(', ')}`);
  if (stats.backend !== 'memory') return true;
  say();
  say("The memory backend keeps each process's state to itself: two instances cannot share it.");
  say('Run `pnpm demo` with the LMDB config (the default) or a Redis one.');
  process.exitCode = 1;
  return false;
}

async function stopBoth(instances: ServerInstance[]): Promise<void> {
  const codes = await Promise.all(instances.map((i) => i.stop()));
  const clean =
    codes.every((c) => c === 0) && instances.every((i) => i.stderr().includes('state closed'));
  say();
  if (!clean) {
    say(`The instances did not stop cleanly (exit codes ${codes.join(', ')}).`);
    for (const i of instances) say(`Server log (pid ${i.pid}):\n${i.stderr().trim()}`);
    process.exitCode = 1;
    return;
  }
  say('Stopped both instances (each closed its state cleanly).');
  if (process.exitCode) return;
  say('Run `pnpm demo` again: the counter goes on from where it stopped.');
  say('To use the server from an MCP client, see apps/demo/README.md.');
}

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

// `pnpm demo | head` closes stdout early: stop quietly rather than with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

run().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
