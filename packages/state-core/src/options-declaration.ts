import { configError } from './config-error.js';
import type { ConfigIssue } from './errors.js';
import type { OptionShape, ResolvedOptions } from './option-spec.js';
import { checkOption, describeUnknown, toSnake } from './options-check.js';
import { collectSecrets, redactIssues } from './redact.js';

/** Reports a problem at a code-name path (e.g. `cluster.nodes.0`); YAML sees its own names. */
export type ReportIssue = (path: string, message: string) => void;

/** What {@link defineOptions} takes. */
export interface OptionsDeclarationSpec<S extends OptionShape, R> {
  /** The package named in messages. */
  source: string;
  /** Every option, by code name. */
  options: S;
  /**
   * Rules across options, and the final form (e.g. a URL split into host and port): runs
   * after every option passed its schema; report problems with `report`.
   * @default the validated options as they are
   */
  resolve?: (options: ResolvedOptions<S>, report: ReportIssue) => R;
}

/** A backend's options, declared once (see {@link defineOptions}). */
export interface OptionsDeclaration<S extends OptionShape = OptionShape, R = ResolvedOptions<S>> {
  readonly source: string;
  readonly options: S;
  /** Validates code options (camelCase); throws one `ERR_STATE_CONFIG` with every problem. */
  parse(input: unknown): R;
  /** Validates a YAML `state:` block without `backend` (snake_case); the same result. */
  parseYaml(input: unknown, root?: string): R;
  /** The code names, for hints. */
  readonly codeNames: readonly string[];
  /** The YAML names, for hints. */
  readonly yamlNames: readonly string[];
}

/**
 * Declares a backend's options once: each with its schema, default, YAML name and doc line.
 * Parsing, in code or YAML, reports every problem at once with its dot-path, a "did you mean"
 * for an unknown name, and secrets masked.
 * @example
 * export const fooOptions = defineOptions({
 *   source: '@acme/state-foo',
 *   options: { namespace: namespaceOption, path: option({ schema: z.string(), required: true, doc: 'Where.' }) },
 * });
 */
export function defineOptions<S extends OptionShape, R = ResolvedOptions<S>>(
  spec: OptionsDeclarationSpec<S, R>,
): OptionsDeclaration<S, R> {
  const names = Object.keys(spec.options);
  const yamlOf = new Map<string, string>();
  for (const name of names) {
    const y = spec.options[name]!.yaml;
    if (y !== false) yamlOf.set(name, y ?? toSnake(name));
  }
  const codeOfYaml = new Map([...yamlOf].map(([code, yaml]) => [yaml, code]));
  const parseWith = (input: unknown, root: string, yaml: boolean): R => {
    const issues: ConfigIssue[] = [];
    const known = yaml ? [...codeOfYaml.keys()] : names;
    const shown = (code: string) => (yaml ? (yamlOf.get(code) ?? code) : code);
    const obj = asObject(input, root, issues);
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      const code = yaml ? codeOfYaml.get(key) : names.includes(key) ? key : undefined;
      if (code !== undefined) values[code] = obj[key];
      else if (yaml && names.includes(key) && !yamlOf.has(key)) {
        issues.push({ path: `${root}.${key}`, message: 'can only be given in code, not in YAML' });
      } else issues.push(describeUnknown(key, known, root, yaml ? names : []));
    }
    for (const name of names) {
      const out = checkOption(spec.options[name]!, values[name], `${root}.${shown(name)}`, yaml);
      values[name] = out.value;
      issues.push(...out.issues);
    }
    const resolved = finish(spec, values, issues, root, shown, yaml);
    if (issues.length > 0)
      throw configError(spec.source, redactIssues(issues, secretsOf(spec, obj)));
    return resolved as R;
  };
  return {
    source: spec.source,
    options: spec.options,
    parse: (input) => parseWith(input ?? {}, 'options', false),
    parseYaml: (input, root = 'state') => parseWith(input ?? {}, root, true),
    codeNames: names,
    yamlNames: [...codeOfYaml.keys()],
  };
}

function asObject(input: unknown, root: string, issues: ConfigIssue[]): Record<string, unknown> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    return input as Record<string, unknown>;
  }
  issues.push({ path: root, message: 'must be a mapping of options' });
  return {};
}

function finish<S extends OptionShape, R>(
  spec: OptionsDeclarationSpec<S, R>,
  values: Record<string, unknown>,
  issues: ConfigIssue[],
  root: string,
  shown: (code: string) => string,
  yaml: boolean,
): R | undefined {
  if (issues.length > 0) return undefined;
  if (!spec.resolve) return values as R;
  const report: ReportIssue = (path, message) => {
    const [head = '', ...rest] = path.split('.');
    const nested = rest.map((s) => (!yaml || /^\d+$/.test(s) ? s : toSnake(s)));
    issues.push({ path: [root, shown(head), ...nested].join('.'), message });
  };
  return spec.resolve(values as ResolvedOptions<S>, report);
}

function secretsOf(spec: { options: OptionShape }, input: Record<string, unknown>): string[] {
  const out = collectSecrets(input);
  for (const [name, o] of Object.entries(spec.options)) {
    const y = o.yaml === false ? undefined : (o.yaml ?? toSnake(name));
    for (const v of [input[name], y === undefined ? undefined : input[y]]) {
      if (o.secret && typeof v === 'string') out.push(v);
    }
  }
  return out;
}
