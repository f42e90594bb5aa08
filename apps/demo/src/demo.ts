#!/usr/bin/env node
/**
 * `pnpm demo`: starts the demo MCP server (dist/main.js) over stdio, drives it with the SDK's
 * client and prints what happens, step by step. Run it twice: the counter continues.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { callTool, type ToolReply } from './tool-call.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const say = (line = '') => process.stdout.write(`${line}\n`);
const ms = (t: number) => `${t < 10 ? t.toFixed(1) : Math.round(t)} ms`;

async function timed(client: Client, name: string, args: Record<string, unknown> = {}) {
  const started = performance.now();
  const reply = await callTool(client, name, args);
  return { ...reply, ms: performance.now() - started };
}

function check<R extends ToolReply>(reply: R, what: string): R {
  if (reply.isError) throw new Error(`${what} failed: ${reply.text}`);
  return reply;
}

async function run(): Promise<void> {
  const serverLog: string[] = [];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, ...process.argv.slice(2)],
    env: Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => serverLog.push(chunk.toString()));
  const client = new Client({ name: 'pforge-demo-driver', version: '0.1.0' });

  say('@pforge/state demo: an MCP server whose tools keep their state through @pforge/state');
  say();
  const started = performance.now();
  let backend = '';
  try {
    await client.connect(transport);
  } catch (err) {
    say(`The server did not start:\n${serverLog.join('').trim() || String(err)}`);
    process.exitCode = 1;
    return;
  }
  try {
    const { tools } = await client.listTools();
    const stats0 = check(await callTool(client, 'state_stats'), 'state_stats').data;
    say(`Started the server over stdio in ${ms(performance.now() - started)}.`);
    say(
      `  state: ${stats0.backend}, namespace "${stats0.namespace}", ${stats0.key_count} keys so far`,
    );
    say(`  (the \`state:\` block of ${shortPath(String(stats0.config_file))})`);
    say(`  tools: ${tools.map((t) => t.name).join(', ')}`);
    backend = String(stats0.backend);
    await counterSteps(client, backend === 'memory');
    await sessionSteps(client);
    await rateLimitSteps(client);
    await cacheSteps(client);
    await badInputStep(client);
    const stats = check(await callTool(client, 'state_stats'), 'state_stats');
    say();
    say(`6. state_stats: ${stats.text}`);
  } catch (err) {
    say(`\nThe demo failed: ${err instanceof Error ? err.message : String(err)}`);
    say(`Server log:\n${serverLog.join('').trim()}`);
    process.exitCode = 1;
  } finally {
    await client.close();
  }
  say();
  say('Stopped the server (it closed its state cleanly).');
  say(
    backend === 'memory'
      ? 'With the memory backend nothing was kept: the next run starts from zero.'
      : 'Run `pnpm demo` again: the counter goes on from where it stopped.',
  );
  say('To use the server from an MCP client, see apps/demo/README.md.');
}

async function counterSteps(client: Client, inMemory: boolean): Promise<void> {
  say();
  say(
    `1. A counter in the state (atomic increment; ${inMemory ? 'in memory: gone when the server stops' : 'persists across restarts'})`,
  );
  for (let i = 0; i < 3; i++) {
    const r = check(
      await timed(client, 'counter', { action: 'increment', name: 'visits' }),
      'counter',
    );
    say(`   counter increment "visits" -> ${r.data.value}   (${ms(r.ms)})`);
  }
}

async function sessionSteps(client: Client): Promise<void> {
  say();
  say('2. Sessions (unguessable id, rolling expiry)');
  const created = check(
    await callTool(client, 'session_create', { data: { user: 'ada', cart: ['tea'] } }),
    'session_create',
  );
  const id = String(created.data.session_id);
  say(
    `   session_create {user: "ada", cart: ["tea"]} -> id ${id.slice(0, 12)}…, expires ${created.data.expires_at}`,
  );
  const read = check(await callTool(client, 'session_get', { session_id: id }), 'session_get');
  say(`   session_get -> ${JSON.stringify(read.data.data)}`);
  check(await callTool(client, 'session_destroy', { session_id: id }), 'session_destroy');
  const gone = check(await callTool(client, 'session_get', { session_id: id }), 'session_get');
  say(`   session_destroy, then session_get -> found: ${gone.data.found}`);
}

async function rateLimitSteps(client: Client): Promise<void> {
  const caller = `demo-${randomBytes(3).toString('hex')}`;
  say();
  say(`3. A rate-limited tool (sliding window), as caller "${caller}"`);
  for (let i = 1; i <= 4; i++) {
    const r = await callTool(client, 'rate_limited_ping', { caller });
    const d = r.data;
    say(
      r.isError
        ? `   call ${i}: refused, limit ${d.limit} per ${Number(d.window_ms) / 1000} s; retry in ${(Number(d.retry_after_ms) / 1000).toFixed(1)} s`
        : `   call ${i}: allowed, ${d.remaining} left`,
    );
  }
}

async function cacheSteps(client: Client): Promise<void> {
  const n = randomInt(1_000_000, 1_500_000);
  say();
  say(`4. A cached computation: the ${ordinal(n)} prime`);
  for (const label of ['first call ', 'second call']) {
    const r = check(await timed(client, 'nth_prime', { n }), 'nth_prime');
    const how = r.data.from_cache ? 'cache hit: read from the state' : 'cache miss: computed';
    say(`   ${label} -> ${Number(r.data.prime).toLocaleString('en')}  (${how}, ${ms(r.ms)})`);
  }
}

async function badInputStep(client: Client): Promise<void> {
  say();
  say('5. Bad input is a tool error, and the server keeps serving');
  const bad = await callTool(client, 'counter', { action: 'double', name: 'visits' });
  say(`   counter {action: "double"} -> error: ${bad.text.split('\n')[0]}`);
  const after = check(
    await callTool(client, 'counter', { action: 'get', name: 'visits' }),
    'counter',
  );
  say(`   counter get "visits" -> ${after.data.value}`);
}

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n.toLocaleString('en')}${suffix}`;
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
