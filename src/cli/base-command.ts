import { Command, Flags, Errors } from '@oclif/core';
import { CodedError } from '../util/coded-error.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';

/**
 * The code an error line starts with (`ldf: [CODE] ...`): ours (every CodedError, docs/error-codes.md),
 * oclif's own when it gives one, and Node's (system errors such as ENOENT or EACCES, and its ERR_* codes);
 * none for any other error.
 */
function errorCode(error: unknown): string | undefined {
  if (error instanceof CodedError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (error instanceof Errors.CLIError) return code;
  return error instanceof Error && /^(?:E[A-Z0-9]+|ERR_[A-Z0-9_]+)$/.test(code) ? code : undefined;
}

/**
 * Shared behaviour of ldf's commands: `--debug`, and errors turned into one
 * clear line on stderr plus exit code 2 (a stack trace only with --debug).
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: 'Print stack traces and internal details of errors.', default: false, helpGroup: 'GLOBAL' }),
  };

  static override enableJsonFlag = false;

  protected static exitCodesHelp = EXIT_CODES_HELP;

  protected get debugEnabled(): boolean {
    return this.argv.includes('--debug');
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<void> {
    // oclif's own exits (help, version) pass through untouched.
    if (error instanceof Errors.ExitError) throw error;
    const code = errorCode(error);
    const prefix = code !== undefined && !code.startsWith('EEXIT') ? `[${code}] ` : '';
    // One line, whatever the source (oclif's parse errors span several).
    const message = error.message
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && line !== 'The following error occurred:' && !line.startsWith('See more help'))
      .join(' ');
    process.stderr.write(`ldf: ${prefix}${message}\n`);
    if (this.debugEnabled) {
      process.stderr.write(`${error.stack ?? ''}\n`);
      let cause = (error as { cause?: unknown }).cause;
      while (cause instanceof Error) {
        process.stderr.write(`caused by: ${cause.stack ?? cause.message}\n`);
        cause = (cause as { cause?: unknown }).cause;
      }
    } else if (error instanceof Errors.CLIError && /flag|argument/i.test(message)) {
      process.stderr.write(`See 'ldf ${this.id?.replace(/:/g, ' ') ?? ''} --help'.\n`);
    }
    process.exitCode = EXIT.ERROR;
  }
}
