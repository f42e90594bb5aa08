import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StateError } from '@pforge/state-core';
import { SOURCE } from './source.js';

const MDB_MAGIC = 0xbeefc0de;

interface HeaderSpec {
  file: 'data.mdb' | 'lock.mdb';
  /**
   * A header of zeros is a file another process is creating (LMDB sizes the lock file, then
   * writes its header): left to LMDB, which initialises or waits for it under its own lock.
   */
  zerosWhileCreated: boolean;
  magicAt: number;
  versionAt: number;
  versionMask: number;
  version: number;
  notLmdb: string;
  otherVersion: string;
}

// Offsets and versions of lmdb-js 3's LMDB: the data file's first meta page (after the page
// header) and the lock file's header, whose low 12 format bits are the lock version.
const DATA: HeaderSpec = {
  file: 'data.mdb',
  zerosWhileCreated: false,
  magicAt: 24,
  versionAt: 28,
  versionMask: 0xffffffff,
  version: 2,
  notLmdb: 'holds a data.mdb that is not an LMDB data file',
  otherVersion: 'holds a data.mdb of an incompatible LMDB format version',
};
const LOCK: HeaderSpec = {
  file: 'lock.mdb',
  zerosWhileCreated: true,
  magicAt: 0,
  versionAt: 4,
  versionMask: 0xfff,
  version: 2,
  notLmdb:
    'holds a lock.mdb that is not an LMDB lock file (when no process uses the directory, delete lock.mdb)',
  otherVersion:
    'holds a lock.mdb of an incompatible LMDB version, in use by or left over from a process with another lmdb-js (when no process uses the directory, delete lock.mdb)',
};

/**
 * LMDB trusts its files: a data or lock file that is not LMDB's, or of another format
 * version, can crash the process inside LMDB instead of failing. So their headers are checked
 * first (in either byte order), and such a directory is `ERR_STATE_BACKEND` naming it.
 */
export function checkLmdbFiles(path: string): void {
  for (const spec of [DATA, LOCK]) {
    const why = checkHeader(join(path, spec.file), spec);
    if (why)
      throw new StateError(
        'ERR_STATE_BACKEND',
        `[${SOURCE}] \`path\` ${JSON.stringify(path)} ${why}`,
      );
  }
}

function checkHeader(file: string, spec: HeaderSpec): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined; // absent (a new store) or unreadable: LMDB reports the latter itself
  }
  const head = Buffer.alloc(spec.versionAt + 4);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n === 0) return undefined;
  if (spec.zerosWhileCreated && head.subarray(0, n).every((b) => b === 0)) return undefined;
  if (n < head.length) return spec.notLmdb;
  const le = head.readUInt32LE(spec.magicAt) === MDB_MAGIC;
  const be = head.readUInt32BE(spec.magicAt) === MDB_MAGIC;
  if (!le && !be) return spec.notLmdb;
  const version = le ? head.readUInt32LE(spec.versionAt) : head.readUInt32BE(spec.versionAt);
  return (version & spec.versionMask) >>> 0 === spec.version ? undefined : spec.otherVersion;
}
