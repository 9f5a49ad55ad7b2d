import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as another user (needs root): permission tests, since root reads everything. */
  user?: { uid: number; gid: number };
}

/** Starts the built CLI (bin/run.js -> dist/) as a user would, without a TTY. */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [RUN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.user ?? {}),
  });
}

/** Runs the built CLI to the end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const NOBODY = { uid: 65534, gid: 65534 };
let nobodyReaches: boolean | undefined;

/**
 * How to run the CLI so that chmod 000 denies it: as `nobody` when the tests run as root (root
 * reads everything), else as ourselves. Files it must read or write need to allow that user.
 * Undefined as well when `nobody` cannot reach the CLI: a clone inside a folder only its owner can
 * enter (a home folder, a `mktemp -d`). Then the tests run as root, and canDenyReading() says so.
 */
export function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  // Can nobody run node and read the CLI's entry (every folder above it must let others through)?
  nobodyReaches ??= spawnSync(process.execPath, ['-e', 'require("node:fs").accessSync(process.argv[1], 4)', RUN], { ...NOBODY, stdio: 'ignore' }).status === 0;
  return nobodyReaches ? NOBODY : undefined;
}

/**
 * Whether chmod 000 can deny the CLI a file: true for a user other than root, and for root when the CLI
 * can run as `nobody` (unprivileged()). Root alone reads everything, so permission tests then skip.
 */
export function canDenyReading(): boolean {
  return process.getuid?.() !== 0 || unprivileged() !== undefined;
}
