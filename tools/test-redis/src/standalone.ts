import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  logTail,
  makeDir,
  portTaken,
  removeDir,
  type ServerProcess,
  spawnServer,
  stopProcess,
  waitReady,
} from './process.js';
import { type RespReply, rawCommand } from './resp.js';
import { makeSelfSignedCert, type TlsMaterial } from './tls.js';

/** redis.conf directives: a value, or several for a repeated directive (e.g. `user`). */
export type RedisConfig = Readonly<Record<string, string | number | readonly (string | number)[]>>;

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /**
   * Extra redis.conf directives, written verbatim.
   * @example { appendonly: 'yes', appendfsync: 'always', user: ['alice on >pw ~* +@all'] }
   */
  config?: RedisConfig;
  /** Sets `requirepass` and puts the password in `url`. */
  password?: string;
  /** Also serve TLS on `tlsPort` with a fresh self-signed certificate (see `redisTlsAvailable`). */
  tls?: boolean;
  /** Use this port instead of a free one (the sentinel and cluster helpers use it). */
  port?: number;
  /** Temp dir name part. @default 'redis' */
  label?: string;
}

/** A running redis-server started by {@link startRedis}. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://[:password@]127.0.0.1:port`. */
  readonly url: string;
  /** The TLS port and `rediss://` URL when started with `tls: true`. */
  readonly tlsPort?: number;
  readonly tlsUrl?: string;
  /** The certificate (its PEM is the CA to trust) when started with `tls: true`. */
  readonly tls?: TlsMaterial;
  /** The server's working dir (AOF / RDB files, log). */
  readonly dir: string;
  /** PID of the current process. */
  readonly pid: number;
  /** Graceful stop (SIGTERM, SIGKILL after 5 s); removes the dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash; keeps the dir so {@link RedisServer.restart} finds the data. */
  kill(): Promise<void>;
  /** Starts the server again on the same port with the same config and dir. */
  restart(): Promise<void>;
  /** Sends one command on a fresh plain connection (authenticated when a password was set). */
  command(...args: string[]): Promise<RespReply>;
}

function renderConfig(lines: RedisConfig): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(lines)) {
    for (const one of Array.isArray(v) ? v : [v]) out.push(`${k} ${one}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Starts a redis-server on a free loopback port in a fresh temp dir (RDB snapshots off,
 * AOF off unless `config` says otherwise) and waits until it answers.
 * @example
 * const redis = await startRedis({ config: { appendonly: 'yes', appendfsync: 'always' } });
 * afterAll(() => redis.stop());
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const dir = makeDir(options.label ?? 'redis');
  const tls = options.tls ? makeSelfSignedCert(dir) : undefined;
  const logFile = join(dir, 'redis.log');
  const confFile = join(dir, 'redis.conf');
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freePort());
    const tlsPort = tls ? await freePort() : undefined;
    const conf: Record<string, string | number | readonly (string | number)[]> = {
      port,
      bind: '127.0.0.1',
      dir: `"${dir}"`,
      logfile: `"${logFile}"`,
      save: '""',
      appendonly: 'no',
      daemonize: 'no',
      ...(options.password ? { requirepass: `"${options.password}"` } : {}),
      ...(tls && tlsPort
        ? {
            'tls-port': tlsPort,
            'tls-cert-file': `"${tls.certFile}"`,
            'tls-key-file': `"${tls.keyFile}"`,
            'tls-ca-cert-file': `"${tls.certFile}"`,
            'tls-auth-clients': 'no',
          }
        : {}),
      ...options.config,
    };
    writeFileSync(confFile, renderConfig(conf));
    let proc: ServerProcess = spawnServer([confFile]);
    try {
      await waitReady(port, proc, logFile);
    } catch (err) {
      if (attempt < 3 && options.port === undefined && portTaken(logFile)) continue;
      removeDir(dir);
      throw err;
    }
    const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
    let stopped = false;
    const server: RedisServer = {
      host: '127.0.0.1',
      port,
      url: `redis://${auth}127.0.0.1:${port}`,
      ...(tlsPort ? { tlsPort, tlsUrl: `rediss://${auth}127.0.0.1:${tlsPort}` } : {}),
      ...(tls ? { tls } : {}),
      dir,
      get pid() {
        return proc.pid;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopProcess(proc, 'SIGTERM');
        removeDir(dir);
      },
      kill: () => stopProcess(proc, 'SIGKILL'),
      async restart() {
        await stopProcess(proc, 'SIGKILL');
        proc = spawnServer([confFile]);
        await waitReady(port, proc, logFile, 30000).catch((err: Error) => {
          throw new Error(`${err.message}\n${logTail(logFile)}`);
        });
      },
      command: (...args) =>
        rawCommand(port, args, options.password ? { password: options.password } : {}),
    };
    return server;
  }
}
