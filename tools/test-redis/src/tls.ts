import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REDIS_SERVER_BIN } from './process.js';

/** A self-signed certificate for 127.0.0.1 / localhost (it is its own CA). */
export interface TlsMaterial {
  certFile: string;
  keyFile: string;
  /** PEM of the certificate, to pass as `ca` to a client. */
  ca: string;
}

let tlsSupport: { ok: boolean; reason: string } | undefined;

/**
 * Whether TLS tests can run here: `openssl` is on the PATH and redis-server was built with
 * TLS (`tls-port` is a known directive). `reason` says why not.
 */
export function redisTlsAvailable(): { ok: boolean; reason: string } {
  if (tlsSupport) return tlsSupport;
  const ssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (ssl.status !== 0) {
    tlsSupport = { ok: false, reason: 'openssl is not on the PATH' };
    return tlsSupport;
  }
  const r = spawnSync(
    REDIS_SERVER_BIN,
    ['--port', '0', '--tls-port', '1', '--loglevel', 'warning'],
    { encoding: 'utf8', timeout: 5000 },
  );
  const out = `${r.stdout}${r.stderr}`;
  tlsSupport = /tls-key-file|tls-cert-file|Failed to configure TLS/i.test(out)
    ? { ok: true, reason: '' }
    : {
        ok: false,
        reason: `${REDIS_SERVER_BIN} was built without TLS (tls-port is not supported)`,
      };
  return tlsSupport;
}

/** Writes a fresh self-signed certificate and key for 127.0.0.1 and localhost into `dir`. */
export function makeSelfSignedCert(dir: string): TlsMaterial {
  const certFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8', timeout: 30000 },
  );
  if (r.status !== 0) throw new Error(`@pforge/test-redis: openssl failed:\n${r.stderr}`);
  return { certFile, keyFile, ca: readFileSync(certFile, 'utf8') };
}
