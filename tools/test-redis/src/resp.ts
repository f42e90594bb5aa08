import { connect } from 'node:net';

/** A decoded RESP2 reply: simple/bulk string, integer, null, array, or an error reply. */
export type RespReply = string | number | null | RespReply[] | RespError;

/** An error reply (`-ERR ...`). */
export class RespError {
  constructor(readonly message: string) {}
}

/**
 * Sends one command to 127.0.0.1:`port` on a fresh plain connection and resolves the reply.
 * Rejects on connection errors or after `timeoutMs`. Used for readiness probes and cluster /
 * sentinel queries, so the helper does not depend on a Redis client library.
 */
export function rawCommand(
  port: number,
  args: readonly string[],
  options: { password?: string; timeoutMs?: number } = {},
): Promise<RespReply> {
  const cmds: (readonly string[])[] = options.password
    ? [['AUTH', options.password], args]
    : [args];
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const replies: RespReply[] = [];
    const timer = setTimeout(
      () => finish(new Error(`redis 127.0.0.1:${port} did not answer in time`)),
      options.timeoutMs ?? 2000,
    );
    const finish = (err?: Error) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(replies[replies.length - 1] ?? null);
    };
    sock.on('error', (e) => finish(e));
    sock.on('connect', () => sock.write(cmds.map(encode).join('')));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const parsed = parse(buf, 0);
        if (!parsed) return;
        replies.push(parsed.value);
        buf = buf.subarray(parsed.end);
        if (replies.length === cmds.length) return finish();
      }
    });
    sock.on('close', () => finish(new Error(`redis 127.0.0.1:${port} closed the connection`)));
  });
}

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

function parse(buf: Buffer, at: number): { value: RespReply; end: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[at]!);
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return undefined;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: RespReply[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, pos);
        if (!item) return undefined;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}
