import { Chalk } from 'chalk';
import type { Colorize } from '../report/format-table.js';

/**
 * Colour for the table. Off when --no-color is given, when NO_COLOR is set
 * (any non-empty value), or when the output stream is not a TTY.
 */
export function makeColorize(options: { noColor: boolean; stream: NodeJS.WriteStream | { isTTY?: boolean } }): Colorize {
  const env = process.env.NO_COLOR;
  const enabled = !options.noColor && (env === undefined || env === '') && options.stream.isTTY === true;
  if (!enabled) return (_kind, text) => text;
  const chalk = new Chalk({ level: 1 });
  return (kind, text) => {
    switch (kind) {
      case 'fake':
        return chalk.red.bold(text);
      case 'uncertain':
        return chalk.yellow(text);
      case 'real':
        return chalk.green(text);
      case 'no-face':
      case 'too-small':
        return chalk.gray(text);
      case 'error':
        return chalk.magenta(text);
      case 'dim':
        return chalk.dim(text);
      case 'header':
        return chalk.bold(text);
    }
  };
}
