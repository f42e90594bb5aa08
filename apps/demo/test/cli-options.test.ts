import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../src/cli-options.js';

describe('parseCli', () => {
  it('defaults to stdio, the default config and loopback', () => {
    expect(parseCli([], {})).toEqual({
      configPath: undefined,
      httpPort: undefined,
      host: '127.0.0.1',
      leaseMs: undefined,
      help: false,
    });
  });

  it('takes --config before PFORGE_CONFIG', () => {
    expect(parseCli([], { PFORGE_CONFIG: 'env.yaml' }).configPath).toBe('env.yaml');
    expect(parseCli(['--config', 'arg.yaml'], { PFORGE_CONFIG: 'env.yaml' }).configPath).toBe(
      'arg.yaml',
    );
    expect(parseCli(['--config=eq.yaml'], {}).configPath).toBe('eq.yaml');
  });

  it('reads --http, --host and -h', () => {
    expect(parseCli(['--http', '3000', '--host', '::1'], {})).toMatchObject({
      httpPort: 3000,
      host: '::1',
    });
    expect(parseCli(['--http', '0'], {}).httpPort).toBe(0);
    expect(parseCli(['-h'], {}).help).toBe(true);
    expect(parseCli(['--lease-ms', '1500'], {}).leaseMs).toBe(1500);
  });

  it.each([
    [['--http', 'x']],
    [['--http', '65536']],
    [['--http', '-1']],
    [['--http']],
    [['--port', '1']],
    [['--lease-ms', '50']],
    [['--lease-ms', '1e4']],
    [['--lease-ms', '700000']],
    [['serve']],
  ])('rejects %j with a UsageError', (argv) => {
    expect(() => parseCli(argv, {})).toThrow(UsageError);
  });
});
