/**
 * Diagnostics go to stderr only: over stdio, stdout carries the MCP protocol and a stray line
 * there would corrupt it.
 */
export function log(message: string): void {
  process.stderr.write(`[pforge-demo] ${message}\n`);
}
