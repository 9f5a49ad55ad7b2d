/**
 * Finds the source files of `ldf dataset prepare`: every image and video below the input folders (and the
 * input files themselves), in a stable order, each with the input root it was found under.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SourceKind } from './dataset-format.js';

/** Decoded with sharp (fast, EXIF orientation honoured). */
export const IMAGE_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'jpe', 'png', 'webp', 'tif', 'tiff', 'avif', 'gif'];
/** Decoded with ffmpeg (src/video): videos, and the few image formats sharp does not read. */
export const VIDEO_EXTENSIONS: readonly string[] = [
  'mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'wmv', 'flv', 'mpg', 'mpeg', 'ts', 'mts', 'm2ts', '3gp', 'ogv', 'bmp', 'heic', 'heif',
];

export interface DiscoveredSource {
  /** Absolute path of the input root: the input folder, or the folder of an input file. */
  rootPath: string;
  /** Path below the root, '/'-separated. */
  relPath: string;
  /** Absolute path of the file. */
  file: string;
  kind: SourceKind;
}

export interface InputProblem {
  /** The input (or the folder below it) as it was given / found. */
  path: string;
  code: 'INPUT_NOT_FOUND';
  message: string;
}

export interface DiscoveryResult {
  sources: DiscoveredSource[];
  /** Files in the folders that are neither images nor videos (by extension), and hidden files. */
  ignored: number;
  /** Inputs that do not exist, folders that cannot be listed. */
  problems: InputProblem[];
}

export interface DiscoverOptions {
  /** Folders never entered (absolute), e.g. the dataset's own output folder when it lies inside an input. */
  excludeDirs?: readonly string[];
}

/** 'image', 'video', or null for a file name that is neither (by extension, case-insensitive). */
export function sourceKindOf(file: string): SourceKind | null {
  const ext = path.extname(file).slice(1).toLowerCase();
  if (IMAGE_EXTENSIONS.includes(ext)) return 'image';
  if (VIDEO_EXTENSIONS.includes(ext)) return 'video';
  return null;
}

/**
 * Walks the inputs. Folders are walked recursively (sorted by name, hidden entries skipped, symbolic links
 * followed, each real folder once); in folders only image / video extensions are taken. A file given as an
 * input is always taken (unknown extensions go to ffmpeg, which decides). A file reached twice (overlapping
 * inputs) is kept once, under the first input that reached it.
 */
export async function discoverSources(inputs: readonly string[], options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const result: DiscoveryResult = { sources: [], ignored: 0, problems: [] };
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const excluded = new Set<string>();
  for (const dir of options.excludeDirs ?? []) {
    excluded.add(path.resolve(dir));
    excluded.add(await realpath(dir).catch(() => path.resolve(dir)));
  }

  const add = async (rootPath: string, file: string, kind: SourceKind): Promise<void> => {
    const real = await realpath(file).catch(() => file);
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    result.sources.push({ rootPath, relPath: path.relative(rootPath, file).split(path.sep).join('/'), file, kind });
  };

  const walk = async (rootPath: string, dir: string): Promise<void> => {
    const real = await realpath(dir).catch(() => dir);
    if (seenDirs.has(real) || excluded.has(real) || excluded.has(dir)) return;
    seenDirs.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      result.problems.push({ path: dir, code: 'INPUT_NOT_FOUND', message: `${dir}: cannot list the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith('.')) {
        if (!entry.isDirectory()) result.ignored++;
        continue;
      }
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir) await walk(rootPath, full);
      else if (isFile) {
        const kind = sourceKindOf(entry.name);
        if (kind === null) result.ignored++;
        else await add(rootPath, full, kind);
      }
    }
  };

  for (const input of inputs) {
    const abs = path.resolve(input);
    const info = await stat(abs).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      result.problems.push({ path: input, code: 'INPUT_NOT_FOUND', message: `${input}: ${info.code === 'ENOENT' ? 'no such file or folder' : `cannot read (${info.code ?? info.message})`}` });
    } else if (info.isDirectory()) {
      await walk(abs, abs);
    } else {
      await add(path.dirname(abs), abs, sourceKindOf(abs) ?? 'video');
    }
  }
  return result;
}
