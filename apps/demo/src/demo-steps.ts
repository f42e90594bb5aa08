import { randomInt, randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/client';
import type { HttpClient } from './client/connect.js';
import { callTool, type ToolReply } from './client/tool-call.js';
import { COUNTER_META, COUNTER_URI_PREFIX } from './settings.js';

/** What the steps of `pnpm demo` work with: a round-robin client and one client per instance. */
export interface DemoRun {
  /** Requests alternate between the instances. */
  both: HttpClient;
  /** Requests go to instance A only, and to B only. */
  a: Client;
  b: Client;
  /** Writes one line of the transcript. */
  say(line?: string): void;
}

const NAMES = ['A', 'B'];
const ms = (t: number) => `${t < 10 ? t.toFixed(1) : Math.round(t)} ms`;

function check(reply: ToolReply, what: string): ToolReply {
  if (reply.isError) throw new Error(`${what} failed: ${reply.text}`);
  return reply;
}

/** Calls a tool through the round robin; also says which instance answered. */
async function onBoth(run: DemoRun, name: string, args: Record<string, unknown>) {
  const reply = await callTool(run.both.client, name, args);
  return { reply, on: NAMES[run.both.balancer.last] ?? '?' };
}

/** 1. The counter is exact across both instances. */
export async function counterStep(run: DemoRun): Promise<void> {
  run.say();
  run.say('1. A counter, exact across both instances');
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) {
    const { reply, on } = await onBoth(run, 'counter', { action: 'increment', name: 'visits' });
    seen.push(`${on} -> ${check(reply, 'counter').data.value}`);
  }
  run.say(`   counter increment "visits": ${seen.join(', ')}`);
  const replies = await Promise.all(
    Array.from({ length: 100 }, () =>
      callTool(run.both.client, 'counter', { action: 'increment', name: 'visits' }),
    ),
  );
  const values = replies.map((r) => Number(check(r, 'counter').data.value)).sort((x, y) => x - y);
  const distinct = new Set(values).size;
  run.say(
    `   100 increments at once, 50 through each: ${distinct} distinct answers, ` +
      `${values[0]} to ${values.at(-1)} (none lost, none twice)`,
  );
  const [fromA, fromB] = await Promise.all(
    [run.a, run.b].map((c) => callTool(c, 'counter', { action: 'get', name: 'visits' })),
  );
  run.say(`   counter get "visits": A -> ${fromA!.data.value}, B -> ${fromB!.data.value}`);
}

/** 2. A session handle made on one instance is used on the other. */
export async function handleStep(run: DemoRun): Promise<void> {
  run.say();
  run.say(
    '2. A handle made on one instance, used on the other (sessions are handles in the state)',
  );
  const made = await onBoth(run, 'session_create', { data: { user: 'ada', cart: ['tea'] } });
  const id = String(check(made.reply, 'session_create').data.session_id);
  run.say(`   session_create {user: "ada", cart: ["tea"]} on ${made.on} -> ${id.slice(0, 16)}…`);
  const read = await onBoth(run, 'session_get', { session_id: id });
  run.say(`   session_get on ${read.on} -> ${JSON.stringify(check(read.reply, 'get').data.data)}`);
  const gone = await onBoth(run, 'session_destroy', { session_id: id });
  check(gone.reply, 'session_destroy');
  const after = await onBoth(run, 'session_get', { session_id: id });
  run.say(
    `   session_destroy on ${gone.on}, then session_get on ${after.on} -> found: ${after.reply.data.found}`,
  );
}

/** 3. A transfer sent four times at once (two to each instance) runs once. */
export async function transferStep(run: DemoRun): Promise<void> {
  run.say();
  run.say('3. A transfer runs once, however often it is sent');
  const args = { from: 'alice', to: 'bob', amount: 5, request_id: randomUUID(), settle_ms: 200 };
  const replies = await Promise.all(
    Array.from({ length: 4 }, () => callTool(run.both.client, 'transfer', args)),
  );
  const statuses = replies.map((r) => check(r, 'transfer').idempotency?.status);
  const executed = statuses.filter((s) => s === 'executed').length;
  const replayed = statuses.filter((s) => s === 'replayed').length;
  run.say(
    `   transfer 5 from "alice" to "bob", request_id ${args.request_id.slice(0, 8)}…, sent 4 times at once (2 to each instance):`,
  );
  run.say(`     ${executed} executed, ${replayed} replayed; each answer: ${replies[0]!.text}`);
  const reused = await callTool(run.both.client, 'transfer', { ...args, amount: 50 });
  const why = reused.text
    .replace(/^\[[^\]]*\] /, '')
    .replace(args.request_id, `${args.request_id.slice(0, 8)}…`);
  run.say(`   the same request_id with amount 50 -> ${reused.idempotency?.status}: ${why}`);
}

/** 4. A change made through B reaches a listener on A. */
export async function notificationStep(run: DemoRun): Promise<void> {
  run.say();
  run.say('4. A change notified on one instance reaches a listener on the other');
  const uri = `${COUNTER_URI_PREFIX}visits`;
  let sent = 0;
  const arrived = new Promise<{ value: unknown; after: number }>((resolve) => {
    run.a.setNotificationHandler('notifications/resources/updated', (n) => {
      const meta = n.params._meta?.[COUNTER_META] as { value?: unknown } | undefined;
      if (n.params.uri === uri) resolve({ value: meta?.value, after: performance.now() - sent });
    });
  });
  const listening = await run.a.listen({ resourceSubscriptions: [uri] });
  try {
    run.say(`   a client listens on A for ${uri}`);
    sent = performance.now();
    const r = check(
      await callTool(run.b, 'counter', { action: 'increment', name: 'visits' }),
      'counter',
    );
    run.say(`   counter increment "visits" on B -> ${r.data.value}`);
    const got = await Promise.race([arrived, timeout(5_000, 'the notification did not arrive')]);
    run.say(
      `   the listener on A got notifications/resources/updated (value ${got.value}), ${ms(got.after)} after the call was sent to B`,
    );
  } finally {
    await listening.close();
  }
}

/** 5. The rate limit and the cache are shared by both instances. */
export async function sharedStep(run: DemoRun): Promise<void> {
  run.say();
  run.say('5. One rate limit and one cache for both instances');
  const caller = `demo-${randomUUID().slice(0, 6)}`;
  const calls: string[] = [];
  for (let i = 0; i < 4; i++) {
    const { reply, on } = await onBoth(run, 'rate_limited_ping', { caller });
    const d = reply.data;
    calls.push(
      reply.isError
        ? `${on} refused (retry in ${(Number(d.retry_after_ms) / 1000).toFixed(1)} s)`
        : `${on} allowed (${d.remaining} left)`,
    );
  }
  run.say(`   rate_limited_ping as "${caller}" (3 per 10 s): ${calls.join(', ')}`);
  const n = randomInt(1_000_000, 1_500_000);
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    const { reply, on } = await onBoth(run, 'nth_prime', { n });
    const d = check(reply, 'nth_prime').data;
    const how = d.from_cache ? 'read from the cache' : 'computed';
    run.say(
      `   nth_prime ${n.toLocaleString('en')} on ${on} -> ${Number(d.prime).toLocaleString('en')} (${how}, ${ms(performance.now() - started)})`,
    );
  }
}

/** 6. Each instance's `state_stats`. */
export async function statsStep(run: DemoRun): Promise<void> {
  run.say();
  run.say(
    '6. state_stats of each instance (state calls counted from the pforge:state:* tracing channels)',
  );
  let last: Record<string, unknown> = {};
  for (const [name, client] of [['A', run.a] as const, ['B', run.b] as const]) {
    last = check(await callTool(client, 'state_stats'), 'state_stats').data;
    const tools = Object.values(last.calls_by_tool as Record<string, number>);
    const calls = last.state_calls as Record<string, Record<string, { calls: number }>>;
    run.say(
      `   ${name} (pid ${last.pid}): ${tools.reduce((a, b) => a + b, 0)} tool calls; ${describeCalls(calls)}`,
    );
  }
  run.say(`   ${last.key_count} keys in namespace "${last.namespace}" (${last.backend})`);
}

function describeCalls(calls: Record<string, Record<string, { calls: number }>>): string {
  const parts = Object.entries(calls).map(([backend, ops]) => {
    const sorted = Object.entries(ops).sort((x, y) => y[1].calls - x[1].calls);
    const total = sorted.reduce((sum, [, c]) => sum + c.calls, 0);
    return `${total} ${backend} calls (${sorted.map(([op, c]) => `${op} ${c.calls}`).join(', ')})`;
  });
  return parts.length > 0
    ? parts.join('; ')
    : 'no state calls seen (the backend publishes no traces)';
}

function timeout(ms: number, why: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(why)), ms).unref());
}
