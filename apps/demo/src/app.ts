import {
  createHandleStore,
  createIdempotency,
  createStateEventBus,
  type HandleStore,
  type Idempotency,
  type StateEventBus,
} from '@pforge/state-mcp';
import { describeError } from './describe-error.js';
import { InFlight } from './in-flight.js';
import { log } from './log.js';
import { createDemoPatterns, type DemoPatterns } from './patterns.js';
import { BUS_POLL_MS, DEFAULT_LEASE_MS, SESSION_IDLE_MS } from './settings.js';
import type { OpenedState } from './state.js';
import { DemoStats } from './stats.js';
import { TraceCounts } from './trace-counts.js';

/** Session data: a small JSON object. */
export type SessionData = Record<string, unknown>;

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /** How long an idempotent call's claim lives without renewal, in ms. @default 10000 */
  leaseMs?: number;
}

/**
 * Everything a tool call can use: one per server process, shared by every MCP server instance
 * the SDK makes in it (one per HTTP request, or one per stdio connection). Whatever must be
 * shared by several processes lives in `state`: nothing here remembers a client.
 */
export interface DemoApp {
  /** The manager opened by core's factory from the config's `state:` block. */
  readonly state: OpenedState['state'];
  /** Where the state came from, for `state_stats`. */
  readonly info: Pick<OpenedState, 'backend' | 'namespace' | 'configFile'>;
  /** The patterns the counter, ping and prime tools are built on. */
  readonly patterns: DemoPatterns;
  /** Sessions as handles (`session_…`), usable from any instance (keys `handle:session:…`). */
  readonly sessions: HandleStore<SessionData>;
  /** Runs an idempotent tool's side effect once per key across instances (keys `idem:…`). */
  readonly idempotency: Idempotency;
  /** Change notifications shared by every instance on the store (keys `bus:…`). */
  readonly bus: StateEventBus;
  /** This process's tool-call figures. */
  readonly stats: DemoStats;
  /** This process's state calls, counted from the tracing channels. */
  readonly traces: TraceCounts;
  /** Tool calls in progress (shutdown waits for them). */
  readonly inFlight: InFlight;
  /** Stops the bus (its pending events written) and closes the state. */
  close(): Promise<void>;
}

/** Builds the app on an opened state. */
export function createDemoApp(opened: OpenedState, options: DemoAppOptions = {}): DemoApp {
  const { state } = opened;
  const traces = new TraceCounts().subscribe();
  const bus = createStateEventBus(state, {
    pollIntervalMs: BUS_POLL_MS,
    onError: (err) => log(`event bus: ${describeError(err)}`),
  });
  return {
    state,
    info: { backend: opened.backend, namespace: opened.namespace, configFile: opened.configFile },
    patterns: createDemoPatterns(state),
    sessions: createHandleStore<SessionData>(state, {
      kind: 'session',
      ttlMs: SESSION_IDLE_MS,
      sliding: true,
    }),
    idempotency: createIdempotency(state, {
      leaseTtlMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      onError: (err) => log(`idempotency: ${describeError(err)}`),
    }),
    bus,
    stats: new DemoStats(),
    traces,
    inFlight: new InFlight(),
    close: async () => {
      try {
        await bus.close();
      } finally {
        await state.close();
        traces.unsubscribe();
      }
    },
  };
}
