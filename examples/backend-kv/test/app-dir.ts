import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A throwaway application directory that has this package installed (node_modules symlink),
 * so the factory resolves `@acme/state-kv` by name as it would in a user's app.
 */
export function createAppDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'acme-state-kv-app-'));
  const scope = join(dir, 'node_modules', '@acme');
  mkdirSync(scope, { recursive: true });
  const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  symlinkSync(pkgDir, join(scope, 'state-kv'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
