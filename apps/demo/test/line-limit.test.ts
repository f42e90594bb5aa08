import { describe, expect, it } from 'vitest';
import { LineLimit, type RefusedLine } from '../src/transports/line-limit.js';

/** Feeds `chunks` through a LineLimit of `max` bytes; resolves the chunks out and the refusals. */
async function run(max: number, chunks: string[]) {
  const refused: RefusedLine[] = [];
  const limit = new LineLimit(max, (line) => refused.push(line));
  const out: string[] = [];
  limit.on('data', (c: Buffer) => out.push(c.toString()));
  const ended = new Promise((resolve) => limit.on('end', resolve));
  for (const c of chunks) limit.write(Buffer.from(c));
  limit.end();
  await ended;
  return { out, refused };
}

describe('LineLimit (in front of the stdio transport)', () => {
  it('passes each line as one chunk, however the input is cut', async () => {
    const { out, refused } = await run(20, ['{"a":1}\n{"b"', ':2}\n\n{"c":3}', '\n']);
    expect(out).toEqual(['{"a":1}\n', '{"b":2}\n', '\n', '{"c":3}\n']);
    expect(refused).toEqual([]);
  });

  it('drops a line over the limit, reports its size and trailing id, and goes on', async () => {
    const long = `{"method":"tools/call","params":{"x":"${'z'.repeat(100)}"},"jsonrpc":"2.0","id":42}`;
    const { out, refused } = await run(50, [
      '{"ok":1}\n',
      long.slice(0, 30),
      long.slice(30, 90),
      `${long.slice(90)}\n{"ok":2}\n`,
    ]);
    expect(out).toEqual(['{"ok":1}\n', '{"ok":2}\n']);
    expect(refused).toEqual([{ bytes: long.length, id: 42 }]);
  });

  it('reads a string id, and null when the line does not end with one', async () => {
    const withString = `{"params":"${'z'.repeat(80)}","id":"req-7"}\n`;
    const nested = `{"params":{"id":3,"v":"${'z'.repeat(80)}"}}\n`;
    const { refused } = await run(50, [withString, nested, `${'q'.repeat(70)}\n`]);
    expect(refused.map((r) => r.id)).toEqual(['req-7', null, null]);
  });

  it('keeps an unterminated last line as it is, and refuses one over the limit', async () => {
    expect((await run(50, ['{"a":1}\n{"b":2}'])).out).toEqual(['{"a":1}\n', '{"b":2}']);
    expect((await run(5, ['{"a":1}'])).refused).toEqual([{ bytes: 7, id: null }]);
  });
});
