import { parseArgs } from 'node:util';

/** What the command line asks for. */
export interface CliOptions {
  /** The pforge YAML file, as given (`--config` first, then `PFORGE_CONFIG`); absent = default. */
  configPath: string | undefined;
  /** Serve Streamable HTTP on this port instead of stdio (0: a free port). */
  httpPort: number | undefined;
  /** The interface the HTTP server binds to. @default '127.0.0.1' */
  host: string;
  /** How long an idempotent call's claim lives without renewal, in ms; absent = the default. */
  leaseMs: number | undefined;
  /** Print the usage and exit. */
  help: boolean;
}

/** The usage text of `main.js`. */
export const USAGE = `Usage: node dist/main.js [--config <file>] [--http <port>] [--host <addr>] [--lease-ms <ms>]

  --config <file>   the pforge YAML file with a \`state:\` block
                    (default: $PFORGE_CONFIG, else the demo's own pforge.yaml)
  --http <port>     serve MCP over Streamable HTTP at http://<host>:<port>/mcp
                    (default: serve MCP over stdio; 0 picks a free port)
  --host <addr>     the address the HTTP server binds to (default: 127.0.0.1)
  --lease-ms <ms>   how long a running transfer's claim lives without renewal: a request
                    re-issued after its instance died waits this long, then gets
                    "outcome unknown" (default: 10000; 100 to 600000)
  -h, --help        show this help`;

/** A command line the app cannot run with. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Values = {
  config?: string;
  http?: string;
  host?: string;
  'lease-ms'?: string;
  help?: boolean;
};

/** Parses `argv` (without node and the script) and the environment, strictly. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        http: { type: 'string' },
        host: { type: 'string' },
        'lease-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const lease = values['lease-ms'];
  return {
    configPath: values.config ?? (env.PFORGE_CONFIG || undefined),
    httpPort: values.http === undefined ? undefined : parsePort(values.http),
    host: values.host ?? '127.0.0.1',
    leaseMs: lease === undefined ? undefined : parseLease(lease),
    help: values.help ?? false,
  };
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new UsageError(`\`--http\` must be a port number from 0 to 65535 (got "${text}")`);
  }
  return port;
}

function parseLease(text: string): number {
  const ms = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(ms >= 100 && ms <= 600_000)) {
    throw new UsageError(
      `\`--lease-ms\` must be a number of ms from 100 to 600000 (got "${text}")`,
    );
  }
  return ms;
}
