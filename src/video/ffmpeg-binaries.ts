import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

import { VideoError } from './video-error.js';

/** Where a binary was found, in resolution order. */
export type BinarySource = 'option' | 'env' | 'path' | 'bundled';

export interface ResolvedBinary {
  /** Absolute (or as-given) path of the executable. */
  path: string;
  source: BinarySource;
}

export interface FfmpegBinaries {
  ffmpeg: ResolvedBinary;
  ffprobe: ResolvedBinary;
}

export interface ResolveBinariesOptions {
  /** Explicit ffmpeg path (`--ffmpeg-path`). Must exist, no fallback. */
  ffmpegPath?: string | undefined;
  /** Explicit ffprobe path (`--ffprobe-path`). Must exist, no fallback. */
  ffprobePath?: string | undefined;
  /** Environment to read FFMPEG_PATH / FFPROBE_PATH / PATH from. Default: process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Skip the system PATH step (tests). Default false. */
  skipSystemPath?: boolean | undefined;
  /** Skip the @ffmpeg-installer / @ffprobe-installer step (tests). Default false. */
  skipBundled?: boolean | undefined;
}

type Tool = 'ffmpeg' | 'ffprobe';

const ENV_VAR: Record<Tool, string> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };
const NOT_FOUND_CODE = { ffmpeg: 'FFMPEG_NOT_FOUND', ffprobe: 'FFPROBE_NOT_FOUND' } as const;
const INSTALLER_PACKAGE: Record<Tool, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

/**
 * Finds ffmpeg and ffprobe, each independently, in this order:
 * 1. the explicit path option (`--ffmpeg-path` / `--ffprobe-path`),
 * 2. env FFMPEG_PATH / FFPROBE_PATH,
 * 3. the system PATH,
 * 4. the binaries shipped by @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe.
 *
 * An explicit path (option or env var) that does not point to an executable file is an error
 * (FFMPEG_NOT_FOUND / FFPROBE_NOT_FOUND), never a silent fallback to the next step.
 */
export async function resolveFfmpegBinaries(options: ResolveBinariesOptions = {}): Promise<FfmpegBinaries> {
  const [ffmpeg, ffprobe] = await Promise.all([
    resolveBinary('ffmpeg', options.ffmpegPath, options),
    resolveBinary('ffprobe', options.ffprobePath, options),
  ]);
  return { ffmpeg, ffprobe };
}

async function resolveBinary(tool: Tool, explicitPath: string | undefined, options: ResolveBinariesOptions): Promise<ResolvedBinary> {
  const env = options.env ?? process.env;
  const code = NOT_FOUND_CODE[tool];

  if (explicitPath !== undefined && explicitPath !== '') {
    const problem = await executableProblem(explicitPath);
    if (problem !== null) {
      throw new VideoError(code, `${tool} not found at the given path ${explicitPath}: ${problem}`, { filePath: explicitPath, reason: problem });
    }
    return { path: path.resolve(explicitPath), source: 'option' };
  }

  const envValue = env[ENV_VAR[tool]];
  if (envValue !== undefined && envValue !== '') {
    const problem = await executableProblem(envValue);
    if (problem !== null) {
      throw new VideoError(code, `${tool} not found at ${ENV_VAR[tool]}=${envValue}: ${problem}`, { filePath: envValue, reason: problem });
    }
    return { path: path.resolve(envValue), source: 'env' };
  }

  if (options.skipSystemPath !== true) {
    const found = await findOnSystemPath(tool, env);
    if (found !== null) return { path: found, source: 'path' };
  }

  if (options.skipBundled !== true) {
    const bundled = await findBundled(tool);
    if (bundled !== null) return { path: bundled, source: 'bundled' };
  }

  throw new VideoError(
    code,
    `${tool} not found: pass --${tool}-path, set ${ENV_VAR[tool]}, put ${tool} on PATH, or install ${INSTALLER_PACKAGE[tool]}`,
  );
}

/** null when `candidate` is an executable regular file (symlinks followed), else why not. */
async function executableProblem(candidate: string): Promise<string | null> {
  try {
    const info = await stat(candidate);
    if (!info.isFile()) return 'not a regular file';
    if (process.platform !== 'win32') await access(candidate, fsConstants.X_OK);
    return null;
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return 'no such file';
    if (errno === 'EACCES' || errno === 'EPERM') return 'not executable';
    return errno ?? String(error);
  }
}

async function findOnSystemPath(tool: Tool, env: NodeJS.ProcessEnv): Promise<string | null> {
  const pathValue = env.PATH ?? env.Path ?? '';
  const names = process.platform === 'win32' ? [`${tool}.exe`, tool] : [tool];
  for (const dir of pathValue.split(path.delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = path.resolve(dir, name);
      if ((await executableProblem(candidate)) === null) return candidate;
    }
  }
  return null;
}

async function findBundled(tool: Tool): Promise<string | null> {
  try {
    const require = createRequire(import.meta.url);
    const installed: unknown = require(INSTALLER_PACKAGE[tool]);
    const binaryPath = (installed as { path?: unknown } | null)?.path;
    if (typeof binaryPath !== 'string') return null;
    return (await executableProblem(binaryPath)) === null ? binaryPath : null;
  } catch {
    // The installer packages throw (a string) on unsupported platforms or when the
    // platform-specific optional dependency is missing.
    return null;
  }
}
