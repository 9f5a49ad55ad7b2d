import { Command, Flags, Errors } from '@oclif/core';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';

/** An error's stable code, when it has one (ours all do). */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
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
