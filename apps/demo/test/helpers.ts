import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { MODERN_PROTOCOL } from '../src/client/connect.js';
import { type ServerInstance, startInstance } from '../src/client/instances.js';

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

/** The test's environment for a child, without PFORGE_CONFIG. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
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

/**
 * Spawns the server over stdio with `args` and connects an SDK v2 client to it, pinned to
 * protocol 2026-07-28 (`modern: false`: the 2025 handshake).
 */
export async function connectStdio(
  args: string[],
  {
    env = {},
    cwd,
    modern = true,
  }: { env?: Record<string, string>; cwd?: string; modern?: boolean } = {},
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
  const client = new Client(
    { name: 'demo-test', version: '0.0.0' },
    modern ? { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } } : {},
  );
  try {
    await client.connect(transport);
  } catch (err) {
    await new Promise((resolve) => setTimeout(resolve, 100)); // the last of its stderr
    throw new Error(`the server did not start over stdio:\n${log.join('')}`, { cause: err });
  }
  return { client, transport, stderr: () => log.join(''), close: () => client.close() };
}

/** Starts `main.js --http 0 --config <file> <args>` (the built server). */
export function startHttpServer(configFile: string, args: string[] = []): Promise<ServerInstance> {
  return startInstance(['--config', configFile, ...args], { main: MAIN, env: childEnv() });
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

/** Polls `probe` every 20 ms until it returns true; false after `ms`. */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  ms = 10_000,
): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
