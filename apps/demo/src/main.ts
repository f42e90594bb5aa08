#!/usr/bin/env node
/**
 * The demo MCP server: `node dist/main.js [--config <file>] [--http <port>]`. Serves over stdio
 * by default (for an MCP client that spawns it) or Streamable HTTP; closes its state cleanly on
 * SIGINT, SIGTERM or when the stdio client goes away.
 */
import { type CliOptions, parseCli, USAGE, UsageError } from './cli-options.js';
import { createDemoContext, type DemoContext } from './context.js';
import { Lifecycle } from './lifecycle.js';
import { log } from './log.js';
import { createDemoServer } from './server.js';
import { openState } from './state.js';
import { describeError } from './tool.js';
import { serveHttp } from './transports/http.js';
import { type RunningTransport, serveStdio } from './transports/stdio.js';

async function main(): Promise<void> {
  const cli = parseCliOrExit();
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let ctx: DemoContext;
  try {
    ctx = createDemoContext(await openState(cli.configPath));
  } catch (err) {
    return fail(`cannot open the state: ${describeError(err)}`);
  }
  const lifecycle = new Lifecycle(ctx);
  lifecycle.handleSignals();
  let transport: RunningTransport;
  try {
    transport = await serve(cli, ctx, lifecycle);
  } catch (err) {
    await ctx.close();
    return fail(`cannot serve: ${describeError(err)}`);
  }
  lifecycle.attach(transport);
  if (lifecycle.stopping) {
    // A signal arrived while the transport was starting: the state is closing already.
    await transport.close();
    return;
  }
  announce(cli, ctx, transport);
}

function serve(cli: CliOptions, ctx: DemoContext, lifecycle: Lifecycle): Promise<RunningTransport> {
  if (cli.httpPort === undefined) {
    return serveStdio(createDemoServer(ctx), () => void lifecycle.shutdown('stdin closed'));
  }
  return serveHttp(() => createDemoServer(ctx), cli.httpPort, cli.host);
}

function announce(cli: CliOptions, ctx: DemoContext, transport: RunningTransport): void {
  // Tests read the HTTP address from this line (with `--http 0` the port is picked by the OS).
  log(`listening on ${transport.description}`);
  if (cli.httpPort !== undefined && !isLoopback(cli.host)) {
    log(
      `warning: serving on ${cli.host} without authentication: whoever reaches it can call the tools`,
    );
  }
  const { backend, namespace, configFile } = ctx.info;
  log(`state: ${backend}, namespace "${namespace}", config ${configFile}`);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function parseCliOrExit(): CliOptions {
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
