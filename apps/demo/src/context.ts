import type { StateManager } from '@pforge/state-core';
import { InFlight } from './in-flight.js';
import { createDemoPatterns, type DemoPatterns } from './patterns.js';
import type { OpenedState } from './state.js';
import { DemoStats } from './stats.js';

/** Everything a tool call can use; one per server process, shared by its MCP connections. */
export interface DemoContext {
  /** The manager opened by core's factory from the config's `state:` block. */
  state: StateManager;
  /** Where the state came from, for `state_stats`. */
  info: Pick<OpenedState, 'backend' | 'namespace' | 'configFile'>;
  /** The patterns the tools are built on, all on `state`. */
  patterns: DemoPatterns;
  /** Figures of this process. */
  stats: DemoStats;
  /** Tool calls in progress (shutdown waits for them). */
  inFlight: InFlight;
  /** Closes the state (after the calls in progress finished). */
  close(): Promise<void>;
}

/** Builds the context on an opened state. */
export function createDemoContext(opened: OpenedState): DemoContext {
  const patterns = createDemoPatterns(opened.state);
  return {
    state: opened.state,
    info: { backend: opened.backend, namespace: opened.namespace, configFile: opened.configFile },
    patterns,
    stats: new DemoStats(),
    inFlight: new InFlight(),
    close: () => opened.state.close(),
  };
}
