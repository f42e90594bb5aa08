#!/usr/bin/env node
import { fstatSync } from 'node:fs';
import { EXIT } from './errors.js';
import { runCli } from './program.js';

function stdinIsFile(): boolean {
  try {
    return fstatSync(0).isFile();
  } catch {
    return false;
  }
}

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.interrupted);
  controller.abort();
  process.stderr.write(
    'pforge-state: stopping after the batch in flight (Ctrl-C again to quit at once)\n',
  );
});
// `pforge-state keys | head`: the reader is gone, which is no failure of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  signal: controller.signal,
  stdinIsFile: stdinIsFile(),
});
