#!/usr/bin/env node
/**
 * The demo MCP server: `node dist/main.js [--config <file>] [--http <port>]`. Serves over stdio
 * by default (for an MCP client that spawns it) or Streamable HTTP, where any number of
 * instances on one store answer any request; closes its state cleanly on SIGINT, SIGTERM or
 * when the stdio client goes away.
 */
import { createDemoApp, type DemoApp } from './app.js';
import { type CliOptions, parseCli, USAGE, UsageError } from './cli-options.js';
import { describeError } from './describe-error.js';
import { Lifecycle } from './lifecycle.js';
import { log } from './log.js';
import { createDemoServer } from './server.js';
import { openState } from './state.js';
import { isLoopback, serveHttp } from './transports/http.js';
import type { RunningTransport } from './transports/running-transport.js';
import { serveStdio } from './transports/stdio.js';

async function main(): Promise<void> {
  const cli = parseCliOrExit();
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let app: DemoApp;
  try {
    app = createDemoApp(await openState(cli.configPath), { leaseMs: cli.leaseMs });
  } catch (err) {
    return fail(`cannot open the state: ${describeError(err)}`);
  }
  const lifecycle = new Lifecycle(app);
  lifecycle.handleSignals();
  let transport: RunningTransport;
  try {
    transport = await serve(cli, app, lifecycle);
  } catch (err) {
    await app.close();
    return fail(`cannot serve: ${describeError(err)}`);
  }
  lifecycle.attach(transport);
  if (lifecycle.stopping) {
    // A signal arrived while the transport was starting: the state is closing already.
    await transport.close();
    return;
  }
  announce(cli, app, transport);
}

async function serve(
  cli: CliOptions,
  app: DemoApp,
  lifecycle: Lifecycle,
): Promise<RunningTransport> {
  const newServer = () => createDemoServer(app);
  if (cli.httpPort === undefined) {
    return serveStdio(newServer, () => void lifecycle.shutdown('stdin closed'));
  }
  return serveHttp(app, newServer, cli.httpPort, cli.host);
}

function announce(cli: CliOptions, app: DemoApp, transport: RunningTransport): void {
  // Tests and the demo driver read the HTTP address from this line (`--http 0` lets the OS pick).
  log(`listening on ${transport.description} (pid ${process.pid})`);
  if (cli.httpPort !== undefined && !isLoopback(cli.host)) {
    log(
      `warning: serving on ${cli.host} without authentication: whoever reaches it can call the tools`,
    );
  }
  const { backend, namespace, configFile } = app.info;
  log(`state: ${backend}, namespace "${namespace}", config ${configFile}`);
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
