import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DemoApp } from './app.js';
import { describeError } from './describe-error.js';
import { log } from './log.js';
import type { RunningTransport } from './transports/running-transport.js';

/** The server's shutdown: once, in order, whatever asks for it (a signal, stdin closing). */
export class Lifecycle {
  readonly #app: DemoApp;
  #transport: RunningTransport | undefined;
  #stopping: Promise<void> | undefined;

  constructor(app: DemoApp) {
    this.#app = app;
  }

  /** Whether shutdown has begun. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** The transport to stop on shutdown, once it runs. */
  attach(transport: RunningTransport): void {
    this.#transport = transport;
  }

  /** SIGINT and SIGTERM shut down gracefully; a second one exits at once. */
  handleSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (this.stopping) {
          log(`${signal} again: exiting now`);
          process.exit(130);
        }
        void this.shutdown(signal);
      });
    }
  }

  /**
   * Stops taking connections and calls, lets the calls in progress finish and their answers
   * be written, closes the transport, then the event bus and the state. Idempotent.
   */
  shutdown(reason: string): Promise<void> {
    this.#stopping ??= this.#stop(reason);
    return this.#stopping;
  }

  async #stop(reason: string): Promise<void> {
    log(`${reason}: shutting down`);
    try {
      this.#transport?.stopAccepting();
      await this.#app.inFlight.drain();
      await nextTurn(); // the answers of the last calls are written before the transport closes
      await this.#transport?.close();
      await this.#app.close();
      log('state closed');
    } catch (err) {
      log(`shutdown failed: ${describeError(err)}`);
      process.exitCode = 1;
    }
    // Anything still holding the event loop (a client that keeps a socket open) must not keep
    // a stopped server alive.
    setTimeout(() => process.exit(), 2000).unref();
  }
}
