import { Command, CommanderError } from 'commander';
import { registerBulkCommands } from './commands/bulk.js';
import { registerInspectCommands } from './commands/inspect.js';
import { registerValueCommands } from './commands/values.js';
import { CliContext, type CliIo } from './context.js';
import { EXIT } from './errors.js';
import { ownDirectory, packageVersion } from './open.js';

/** Commander's message on one line: `unknown option '--prefx' (did you mean --prefix?)`. */
function oneLine(text: string): string {
  return text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*\(Did you mean/g, ' (did you mean')
    .replace(/\s*\n\s*/g, ' ');
}

function createProgram(ctx: CliContext): Command {
  const program = new Command('pforge-state')
    .description('Inspect, dump, restore, migrate and check a @pforge/state store')
    .version(packageVersion(`${ownDirectory()}/..`) ?? '0.0.0', '-V, --version')
    .option(
      '-c, --config <file>',
      'the pforge YAML file whose `state:` block is opened',
      'pforge.yaml',
    )
    .option(
      '--json',
      'machine-readable output (one JSON value on stdout; errors as JSON on stderr)',
    )
    .option('--no-progress', 'no progress display on stderr')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      outputError: (s) => {
        const message = oneLine(s);
        ctx.io.stderr.write(
          ctx.json
            ? `${JSON.stringify({ error: { code: 'ERR_STATE_INVALID_ARGUMENT', message } })}\n`
            : `pforge-state: ${message} (see pforge-state --help)\n`,
        );
      },
    });
  registerInspectCommands(program, ctx);
  registerValueCommands(program, ctx);
  registerBulkCommands(program, ctx);
  return program;
}

function commanderExit(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
  return EXIT.usage;
}

/**
 * Runs `pforge-state` with `argv` (the arguments after the program name) on `io`, and
 * resolves the exit code: 0 ok, 1 failure, 2 usage, 130 interrupted by Ctrl-C. Never rejects:
 * every error is printed on `io.stderr` (as JSON with `--json`).
 * @example process.exitCode = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io, argv.includes('--json'));
  try {
    await createProgram(ctx).parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err);
    return ctx.fail(err);
  }
}
