import { accessSync, constants, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StateError } from '@pforge/state-core';
import { SOURCE } from './source.js';

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException)?.code;

/**
 * Creates `abs` and its missing parents one level at a time. Node's `mkdirSync(p, { recursive:
 * true })` loops forever, at 100% CPU with the event loop blocked, where `mkdir` answers
 * ENOENT although the parent exists (under `/proc`, e.g. `/proc/self/x`); here such a path
 * fails at once with that ENOENT. (No small, well-kept package avoids this: `mkdirp`'s manual
 * fallback recurses on ENOENT the same way.)
 */
function makeDirectories(abs: string): void {
  const missing: string[] = [];
  let dir = abs;
  for (;;) {
    try {
      statSync(dir);
      break;
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw err;
      const parent = dirname(dir);
      missing.push(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]!);
    } catch (err) {
      // Created meanwhile by another process: fine, if it is a directory (checked below).
      if (errno(err) !== 'EEXIST') throw err;
    }
  }
}

function describeFailure(err: unknown): string {
  const code = errno(err);
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable and writable by this process';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'is not a directory';
  if (code === 'EROFS') return 'is on a read-only file system';
  return `cannot be created (${(err as Error).message})`;
}

/**
 * Makes sure `given` is a readable and writable directory (creating it and its parents when
 * missing) and returns its real path. Every failure is `ERR_STATE_CONFIG` naming the path.
 */
export function prepareDirectory(given: string): string {
  const abs = resolve(given);
  try {
    makeDirectories(abs);
    if (!statSync(abs).isDirectory())
      throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(abs, constants.R_OK | constants.W_OK);
    return realpathSync(abs);
  } catch (err) {
    throw new StateError(
      'ERR_STATE_CONFIG',
      `[${SOURCE}] \`path\` ${JSON.stringify(abs)} ${describeFailure(err)}`,
      { cause: err },
    );
  }
}
