#!/usr/bin/env node
/**
 * The demo MCP server: `node dist/main.js [--config <file>] [--http <port>]`. Serves over stdio
 * by default (for an MCP client that spawns it) or Streamable HTTP; closes its state cleanly on
 * SIGINT, SIGTERM or when the stdio client goes away.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseCli, USAGE, UsageError } from './cli-options.js';
import { createDemoContext, type DemoContext } from './context.js';
import { log } from './log.js';
import { createDemoServer } from './server.js';
import { type OpenedState, openState } from './state.js';
import { describeError } from './tool.js';
import { serveHttp } from './transports/http.js';
import { type RunningTransport, serveStdio } from './transports/stdio.js';

async function main(): Promise<void> {
  const cli = parseCliOrExit();
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let opened: OpenedState;
  try {
    opened = await openState(cli.configPath);
  } catch (err) {
    return fail(`cannot open the state: ${describeError(err)}`);
  }
  const ctx = createDemoContext(opened);
  let transport: RunningTransport | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= stop(reason, ctx, () => transport);
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        log(`${signal} again: exiting now`);
        process.exit(130);
      }
      void shutdown(signal);
    });
  }
  try {
    transport =
      cli.httpPort === undefined
        ? await serveStdio(createDemoServer(ctx), () => void shutdown('stdin closed'))
        : await serveHttp(() => createDemoServer(ctx), cli.httpPort, cli.host);
  } catch (err) {
    await ctx.close();
    return fail(`cannot serve: ${describeError(err)}`);
  }
  // Tests read the HTTP address from this line (with `--http 0` the port is picked by the OS).
  log(`listening on ${transport.description}`);
  log(`state: ${opened.backend}, namespace "${opened.namespace}", config ${opened.configFile}`);
}

/** Stops taking calls, lets the ones in progress finish and answer, then closes the state. */
async function stop(
  reason: string,
  ctx: DemoContext,
  transport: () => RunningTransport | undefined,
): Promise<void> {
  log(`${reason}: shutting down`);
  try {
    transport()?.stopAccepting();
    await ctx.inFlight.drain();
    await nextTurn(); // the answers of the last calls are written before the transport closes
    await transport()?.close();
    await ctx.close();
    log('state closed');
  } catch (err) {
    log(`shutdown failed: ${describeError(err)}`);
    process.exitCode = 1;
  }
  // Anything still holding the event loop (a client that keeps a socket open) must not keep
  // a stopped server alive.
  setTimeout(() => process.exit(), 2000).unref();
}

function parseCliOrExit(): ReturnType<typeof parseCli> {
  try {
    return parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`pforge-demo: ${err.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
}

function fail(message: string): void {
  process.stderr.write(`pforge-demo: ${message}\n`);
  process.exitCode = 1;
}

main().catch((err: unknown) => {
  fail(`unexpected failure: ${describeError(err)}`);
});
