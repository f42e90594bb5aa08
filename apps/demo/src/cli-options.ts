import { parseArgs } from 'node:util';

/** What the command line asks for. */
export interface CliOptions {
  /** The pforge YAML file, as given (`--config` first, then `PFORGE_CONFIG`); absent = default. */
  configPath: string | undefined;
  /** Serve Streamable HTTP on this port instead of stdio. */
  httpPort: number | undefined;
  /** The interface the HTTP server binds to. @default '127.0.0.1' */
  host: string;
  /** Print the usage and exit. */
  help: boolean;
}

/** The usage text of `main.js`. */
export const USAGE = `Usage: node dist/main.js [--config <file>] [--http <port>] [--host <addr>]

  --config <file>  the pforge YAML file with a \`state:\` block
                   (default: $PFORGE_CONFIG, else the demo's own pforge.yaml)
  --http <port>    serve MCP over Streamable HTTP at http://<host>:<port>/mcp
                   (default: serve MCP over stdio)
  --host <addr>    the address the HTTP server binds to (default: 127.0.0.1)
  -h, --help       show this help`;

/** A command line the app cannot run with. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `argv` (without node and the script) and the environment, strictly. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let values: { config?: string; http?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        http: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const configPath = values.config ?? (env.PFORGE_CONFIG || undefined);
  return {
    configPath,
    httpPort: values.http === undefined ? undefined : parsePort(values.http),
    host: values.host ?? '127.0.0.1',
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
