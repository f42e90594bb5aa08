import { expect, it } from 'vitest';
import { createSessions } from '../src/index.js';
import { forEachTarget, rkey, sleep } from './targets.js';

interface Data {
  user: string;
  at?: Date;
  items?: string[];
}

forEachTarget((h) => {
  it('creates unguessable URL-safe ids and reads the data back with dates', async () => {
    const sessions = createSessions<Data>(await h.open(), { prefix: `${rkey('s')}:` });
    const at = new Date('2026-01-02T03:04:05.678Z');
    const a = await sessions.create({ user: 'ada', at });
    const b = await sessions.create({ user: 'bob' });
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{32}$/); // 192 bits
    expect(a.id).not.toBe(b.id);
    const got = await sessions.get(a.id);
    expect(got?.data.user).toBe('ada');
    expect(got?.data.at).toBeInstanceOf(Date);
    expect(got?.data.at?.getTime()).toBe(at.getTime());
    expect(await sessions.get('not-an-id')).toBeUndefined();
    expect(
      await sessions.get(`${a.id.slice(0, -1)}A`.replace(a.id, `${a.id.slice(0, -1)}B`)),
    ).toBeUndefined();
  });

  it('expires after ttlMs; touch extends a rolling session', async () => {
    const sessions = createSessions<Data>(await h.open(), { ttlMs: 700, prefix: `${rkey('s')}:` });
    const s = await sessions.create({ user: 'ada' });
    const idle = await sessions.create({ user: 'idle' });
    for (let i = 0; i < 4; i++) {
      await sleep(250);
      expect(await sessions.touch(s.id)).toBe(true);
    }
    expect(await sessions.get(s.id)).toBeDefined(); // 1 s after creation, kept alive
    expect(await sessions.get(idle.id)).toBeUndefined();
    expect(await sessions.touch(idle.id)).toBe(false);
  });

  it('touchOnGet keeps a session alive through reads alone', async () => {
    const sessions = createSessions<Data>(await h.open(), {
      ttlMs: 700,
      touchOnGet: true,
      prefix: `${rkey('s')}:`,
    });
    const s = await sessions.create({ user: 'ada' });
    for (let i = 0; i < 4; i++) {
      await sleep(250);
      expect((await sessions.get(s.id))?.data.user).toBe('ada');
    }
  });

  it('a fixed (non-rolling) session is not extended by touch', async () => {
    const sessions = createSessions<Data>(await h.open(), {
      ttlMs: 300,
      rolling: false,
      prefix: `${rkey('s')}:`,
    });
    const s = await sessions.create({ user: 'ada' });
    await sleep(150);
    expect(await sessions.touch(s.id)).toBe(true);
    await sessions.update(s.id, (d) => ({ ...d, items: ['x'] }));
    await sleep(250);
    expect(await sessions.get(s.id)).toBeUndefined();
  });

  it('the absolute cap holds however often the session is touched', async () => {
    const sessions = createSessions<Data>(await h.open(), {
      ttlMs: 300,
      absoluteTtlMs: 500,
      prefix: `${rkey('s')}:`,
    });
    const s = await sessions.create({ user: 'ada' });
    const start = Date.now();
    while (Date.now() - start < 450) {
      await sessions.touch(s.id);
      await sessions.update(s.id, (d) => d);
      await sleep(50);
    }
    await sleep(150);
    expect(await sessions.get(s.id)).toBeUndefined();
    expect(await sessions.touch(s.id)).toBe(false);
  });

  it('concurrent updates from several managers all survive', async () => {
    const managers = await h.openMany(3);
    const prefix = `${rkey('s')}:`;
    const stores = managers.map((m) => createSessions<Data>(m, { prefix, timeoutMs: 30_000 }));
    const s = await stores[0]!.create({ user: 'ada', items: [] });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        stores[i % 3]!.update(s.id, (d) => ({ ...d, items: [...(d.items ?? []), `i${i}`] })),
      ),
    );
    const got = await stores[1]!.get(s.id);
    expect(got?.data.items?.length).toBe(30);
    expect(new Set(got?.data.items).size).toBe(30);
  }, 30_000);

  it('update extends, destroy ends', async () => {
    const sessions = createSessions<Data>(await h.open(), { ttlMs: 700, prefix: `${rkey('s')}:` });
    const s = await sessions.create({ user: 'ada' });
    await sleep(400);
    const u = await sessions.update(s.id, (d) => ({ ...d, user: 'ada l.' }));
    expect(u?.expiresAt).toBeGreaterThan(s.expiresAt);
    await sleep(400);
    expect((await sessions.get(s.id))?.data.user).toBe('ada l.');
    expect(await sessions.destroy(s.id)).toBe(true);
    expect(await sessions.destroy(s.id)).toBe(false);
    expect(await sessions.get(s.id)).toBeUndefined();
    expect(await sessions.update(s.id, (d) => d)).toBeUndefined();
  });
});
