import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runToExit, tempDir, writeConfig } from './helpers.js';

/** A failure at start: one readable message, a non-zero exit, no stack trace. */
function expectCleanFailure(r: { code: number | null; stderr: string; stdout: string }): void {
  expect(r.code).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).toMatch(/^pforge-demo: /);
}

describe('a bad config fails at start', () => {
  beforeAll(assertBuilt);

  it('names a mistyped option with ERR_STATE_CONFIG', async () => {
    const tmp = tempDir();
    try {
      const config = writeConfig(tmp.dir, 'backend: lmdb\npaht: ./state');
      const r = await runToExit(['--config', config]);
      expectCleanFailure(r);
      expect(r.stderr).toContain('ERR_STATE_CONFIG');
      expect(r.stderr).toContain('paht');
      expect(r.stderr).toMatch(/did you mean `path`/);
    } finally {
      tmp.remove();
    }
  });

  it('names a mistyped backend with ERR_STATE_CONFIG', async () => {
    const tmp = tempDir();
    try {
      const r = await runToExit(['--config', writeConfig(tmp.dir, 'backend: lmbd')]);
      expectCleanFailure(r);
      expect(r.stderr).toContain('ERR_STATE_CONFIG');
      expect(r.stderr).toContain('lmbd');
    } finally {
      tmp.remove();
    }
  });

  it('says how to install a backend package that is missing', async () => {
    const tmp = tempDir();
    try {
      const r = await runToExit([], {
        PFORGE_CONFIG: writeConfig(tmp.dir, 'backend: "@acme/state-missing"'),
      });
      expectCleanFailure(r);
      expect(r.stderr).toContain('ERR_STATE_CONFIG');
      expect(r.stderr).toContain('@acme/state-missing');
      expect(r.stderr).toMatch(/install/i);
    } finally {
      tmp.remove();
    }
  });

  it('reports a config file that does not exist', async () => {
    const r = await runToExit(['--config', '/nonexistent/pforge.yaml']);
    expectCleanFailure(r);
    expect(r.stderr).toContain('ERR_STATE_CONFIG');
    expect(r.stderr).toContain('/nonexistent/pforge.yaml');
  });

  it('rejects a bad command line with the usage and exit code 2', async () => {
    const r = await runToExit(['--http', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`--http` must be a port number');
    expect(r.stderr).toContain('Usage:');
    const unknown = await runToExit(['--confg', 'x.yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--confg');
  });
});
