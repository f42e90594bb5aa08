import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built server, next to the built `demo.js` this module is bundled into. */
export const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** A server process serving Streamable HTTP. */
export interface ServerInstance {
  /** Its MCP endpoint. */
  url: string;
  pid: number;
  child: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and resolves the exit code (null: ended by a signal). */
  stop(): Promise<number | null>;
  /** Resolves the exit code once it has exited. */
  exited: Promise<number | null>;
}

/** Options of {@link startInstance}. */
export interface StartInstanceOptions {
  /** The server script. @default {@link MAIN} */
  main?: string;
  /** Its environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** How long it may take to listen, in ms. @default 20000 */
  timeoutMs?: number;
}

/**
 * Starts `main.js --http 0 <args>` and resolves once it listens (it prints its address on
 * stderr); rejects with its output when it exits first or stays silent for `timeoutMs`.
 */
export function startInstance(
  args: readonly string[],
  { main = MAIN, env = process.env, timeoutMs = 20_000 }: StartInstanceOptions = {},
): Promise<ServerInstance> {
  const child = spawn(process.execPath, [main, '--http', '0', ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  let listening = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not listen within ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const m = /listening on (http:\/\/\S+) \(pid (\d+)\)/.exec(log);
      if (!m || listening) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        pid: Number(m[2]),
        child,
        exited,
        stderr: () => log,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${log.trim()}`));
    });
  });
}
