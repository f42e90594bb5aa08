import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** The built server (turbo builds it before `test`). */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`pnpm --filter @pforge/demo build\``);
}

/** A fresh temp dir, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pforge-demo-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a pforge.yaml with `stateBlock` (YAML lines under `state:`) into `dir`. */
export function writeConfig(dir: string, stateBlock: string, name = 'pforge.yaml'): string {
  const file = join(dir, name);
  const body = stateBlock
    .trim()
    .split('\n')
    .map((l) => `  ${l.trim()}`)
    .join('\n');
  writeFileSync(file, `state:\n${body}\n`);
  return file;
}

function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  delete env.PFORGE_CONFIG;
  return { ...env, ...extra };
}

/** A client connected over stdio to a fresh server process. */
export interface StdioSession {
  client: Client;
  transport: StdioClientTransport;
  stderr(): string;
  close(): Promise<void>;
}

/** Spawns the server over stdio with `args` and connects the SDK's client to it. */
export async function connectStdio(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, ...args],
    env: childEnv(env),
    ...(cwd === undefined ? {} : { cwd }),
    stderr: 'pipe',
  });
  const log: string[] = [];
  transport.stderr?.on('data', (c: Buffer) => log.push(c.toString()));
  const client = new Client({ name: 'demo-test', version: '0.0.0' });
  try {
    await client.connect(transport);
  } catch (err) {
    await new Promise((resolve) => setTimeout(resolve, 100)); // the last of its stderr
    throw new Error(`the server did not start over stdio:\n${log.join('')}`, { cause: err });
  }
  return { client, transport, stderr: () => log.join(''), close: () => client.close() };
}

/** A server process serving Streamable HTTP on a port the OS picked. */
export interface HttpServer {
  url: URL;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, and resolves the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `main.js --http 0 --config <file>` and waits for its "listening on" line. */
export function startHttpServer(configFile: string): Promise<HttpServer> {
  const child = spawn(process.execPath, [MAIN, '--http', '0', '--config', configFile], {
    env: childEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not listen:\n${log.join('')}`)),
      20_000,
    );
    child.stderr!.on('data', (c: Buffer) => {
      log.push(c.toString());
      const m = /listening on (http:\/\/\S+)/.exec(log.join(''));
      if (m) {
        clearTimeout(timer);
        resolve({
          url: new URL(m[1]!),
          child,
          stderr: () => log.join(''),
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${log.join('')}`));
    });
  });
}

/** A client connected over Streamable HTTP. */
export async function connectHttp(url: URL): Promise<Client> {
  const client = new Client({ name: 'demo-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url));
  return client;
}

/** Runs the server with `args` to its exit; resolves its exit code and output. */
export function runToExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdin.end();
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
