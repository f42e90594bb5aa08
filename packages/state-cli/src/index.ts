/**
 * @pforge/state-cli: the `pforge-state` command, and the functions behind it for programs
 * (dump, restore and migrate between any two managers, with TTLs kept).
 */
export type { WriteCounts, WriteFailure, WriteMode } from './batch.js';
export type { CliIo } from './context.js';
export type { DumpOptions, DumpSummary } from './dump.js';
export { dumpState } from './dump.js';
export { formatDuration, parseDuration } from './duration.js';
export type { Encoding } from './encoding.js';
export { ENCODINGS } from './encoding.js';
export { EXIT } from './errors.js';
export type { MigrateOptions, MigrateSummary, VerifySummary } from './migrate.js';
export { migrateState, verifyCopy } from './migrate.js';
export type { DumpEntry, ParsedLine } from './ndjson.js';
export { formatLine, parseLine } from './ndjson.js';
export { runCli } from './program.js';
export type { Progress, ProgressOptions } from './progress.js';
export { createProgress } from './progress.js';
export type { LineSource, RestoreOptions, RestoreSummary } from './restore.js';
export { restoreState } from './restore.js';
export type { StoreStats, TtlDistribution } from './stats.js';
export { collectStats } from './stats.js';
