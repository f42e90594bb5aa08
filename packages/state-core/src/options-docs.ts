import type { OptionShape } from './option-spec.js';
import { toSnake } from './options-check.js';
import type { OptionsDeclaration } from './options-declaration.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultText(o: OptionShape[string]): string {
  if (o.defaultText !== undefined) return o.defaultText;
  if (o.required) return 'required';
  if (o.default === undefined) return '—';
  return `\`${typeof o.default === 'string' ? o.default : JSON.stringify(o.default)}\``;
}

/**
 * The Markdown table of a backend's options, generated from its declaration: YAML name, code
 * name, default, and the doc line. READMEs embed it between
 * `<!-- options:start -->` and `<!-- options:end -->`, and CI checks it is current.
 * @example console.log(formatOptionsTable(lmdbOptions));
 */
export function formatOptionsTable(declaration: OptionsDeclaration<OptionShape, unknown>): string {
  const rows = Object.entries(declaration.options).map(([code, o]) => {
    const yaml = o.yaml === false ? '(code only)' : `\`${o.yaml ?? toSnake(code)}\``;
    return `| ${yaml} | \`${code}\` | ${cell(defaultText(o))} | ${cell(o.doc)} |`;
  });
  return ['| YAML | code | default | what it does |', '|---|---|---|---|', ...rows].join('\n');
}
