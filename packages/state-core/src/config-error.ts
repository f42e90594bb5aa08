import { type ConfigIssue, StateError } from './errors.js';

/**
 * One `ERR_STATE_CONFIG` listing `issues` (also kept as its `issues` property, so a caller can
 * merge them with its own and report everything at once).
 * @example throw configError('@acme/state-foo', [{ path: 'state.path', message: 'required' }]);
 */
export function configError(
  source: string,
  issues: readonly ConfigIssue[],
  cause?: unknown,
): StateError {
  const lines = issues.map((i) => `  - \`${i.path}\`: ${i.message}`).join('\n');
  const head =
    issues.length === 1 ? 'invalid config' : `invalid config (${issues.length} problems)`;
  return new StateError('ERR_STATE_CONFIG', `[${source}] ${head}:\n${lines}`, {
    issues,
    ...(cause === undefined ? {} : { cause }),
  });
}
