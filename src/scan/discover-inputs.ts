import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { compileGlobs } from './glob-match.js';
import { extensionOf, MEDIA_EXTENSIONS } from './media-sniff.js';
import { shardKey } from './shard.js';

export interface DiscoverOptions {
  /** Globs a file found in a folder must match (any of them); none: every file. */
  include?: readonly string[];
  /** Globs of files and folders to leave out (folders are not entered). */
  exclude?: readonly string[];
  /** Only files with these extensions (lower case, no dot); null: media by extension or by content. */
  extensions?: readonly string[] | null;
}

/** One file to scan, in the order it will be scanned and reported. */
export interface InputEntry {
  /** The path scanned and reported: the argument, or the folder argument joined with relativePath. */
  path: string;
  /** The command-line argument it came from. */
  root: string;
  /** Path inside the folder argument with `/` separators; for a file argument, the argument itself. */
  relativePath: string;
  /** What --shard partitions by (shardKey of relativePath). */
  shardKey: string;
  origin: 'argument' | 'walk';
  /**
   * Found in a folder with no media extension (and no --ext): scanned only if its content turns out
   * to be media; otherwise skipped as not media, which is not an error.
   */
  needsContentCheck: boolean;
}

export type WalkProblemCode = 'DIR_UNREADABLE' | 'SYMLINK_LOOP' | 'BROKEN_SYMLINK' | 'NAME_NOT_UTF8';

/** Something found while walking folders; reported, never fatal. */
export interface WalkProblem {
  path: string;
  code: WalkProblemCode;
  message: string;
  /** error: files may have been missed (exit 2); warning: nothing was missed. */
  severity: 'error' | 'warning';
}

export interface Discovery {
  entries: InputEntry[];
  problems: WalkProblem[];
  /** Files left out by --include/--exclude/--ext, duplicates and special files (fifos, sockets, devices). */
  ignored: number;
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? 'EIO';
}

/**
 * Expands command-line paths into the files to scan. A file argument is
 * taken as it is (a missing one too: the scan reports it). A folder argument
 * is walked recursively, depth first, entries in code-unit order of their
 * names: the order is the same on every run and machine. Symbolic links are
 * followed; a link back to a folder being walked (a loop) and a dangling link
 * are reported as warnings, an unreadable folder as an error, and the walk
 * goes on. A file reached twice (overlapping arguments, links) is listed once.
 */
export async function discoverInputs(args: readonly string[], options: DiscoverOptions = {}): Promise<Discovery> {
  const include = options.include !== undefined && options.include.length > 0 ? compileGlobs(options.include) : null;
  const exclude = options.exclude !== undefined && options.exclude.length > 0 ? compileGlobs(options.exclude) : null;
  const extensions = options.extensions === null || options.extensions === undefined ? null : new Set(options.extensions.map((e) => e.toLowerCase().replace(/^\./, '')));
  const entries: InputEntry[] = [];
  const problems: WalkProblem[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  let ignored = 0;

  const addFile = (entry: Omit<InputEntry, 'shardKey'>, real: string): void => {
    if (seenFiles.has(real)) {
      ignored++;
      return;
    }
    seenFiles.add(real);
    entries.push({ ...entry, shardKey: shardKey(entry.relativePath) });
  };

  const walk = async (root: string, dir: string, relative: string, real: string, ancestors: Set<string>): Promise<void> => {
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const errno = errnoOf(error);
      if (errno === 'ENOENT') return; // vanished since its parent was listed
      problems.push({ path: dir, code: 'DIR_UNREADABLE', message: `cannot read folder (${errno}): its files were not scanned`, severity: 'error' });
      return;
    }
    dirents.sort(byName);
    // Names that are not valid UTF-8 come back with U+FFFD in them and cannot be opened by that name
    // (nor passed to ffmpeg): each is an error of its own, and the walk goes on.
    const unreadableNames = dirents.some((d) => d.name.includes('\uFFFD')) ? await namesNotUtf8(dir) : new Set<string>();
    for (const dirent of dirents) {
      if (unreadableNames.has(dirent.name)) {
        problems.push({
          path: path.join(dir, dirent.name),
          code: 'NAME_NOT_UTF8',
          message: 'the file name is not valid UTF-8, so ldf cannot open it by name: rename it to scan it',
          severity: 'error',
        });
        continue;
      }
      const full = path.join(dir, dirent.name);
      const rel = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      let isDir = dirent.isDirectory();
      let isFile = dirent.isFile();
      let target = path.join(real, dirent.name);
      if (dirent.isSymbolicLink()) {
        try {
          const info = await stat(full);
          isDir = info.isDirectory();
          isFile = info.isFile();
          target = await realpath(full);
        } catch (error) {
          const errno = errnoOf(error);
          if (errno === 'ELOOP') {
            problems.push({ path: full, code: 'SYMLINK_LOOP', message: 'symbolic link loop: not followed', severity: 'warning' });
          } else if (errno === 'ENOENT') {
            problems.push({ path: full, code: 'BROKEN_SYMLINK', message: 'symbolic link to nothing: not followed', severity: 'warning' });
          } else {
            problems.push({ path: full, code: 'DIR_UNREADABLE', message: `cannot follow symbolic link (${errno})`, severity: 'error' });
          }
          continue;
        }
      }
      if (isDir) {
        if (exclude?.(rel) === true) {
          ignored++;
          continue;
        }
        if (ancestors.has(target)) {
          problems.push({ path: full, code: 'SYMLINK_LOOP', message: 'symbolic link to a folder that contains it (a loop): not followed', severity: 'warning' });
          continue;
        }
        if (seenDirs.has(target)) {
          ignored++;
          continue;
        }
        seenDirs.add(target);
        ancestors.add(target);
        await walk(root, full, rel, target, ancestors);
        ancestors.delete(target);
      } else if (isFile) {
        if (exclude?.(rel) === true || (include !== null && !include(rel))) {
          ignored++;
          continue;
        }
        const ext = extensionOf(dirent.name);
        if (extensions !== null && !extensions.has(ext)) {
          ignored++;
          continue;
        }
        const needsContentCheck = extensions === null && !MEDIA_EXTENSIONS.has(ext);
        addFile({ path: full, root, relativePath: rel, origin: 'walk', needsContentCheck }, target);
      } else {
        ignored++; // fifo, socket, device: never opened
      }
    }
  };

  for (const arg of args) {
    let info;
    try {
      info = await stat(arg);
    } catch {
      info = null; // missing or unreadable: scanned as a file, which reports why
    }
    if (info?.isDirectory() === true) {
      let real: string;
      try {
        real = await realpath(arg);
      } catch (error) {
        problems.push({ path: arg, code: 'DIR_UNREADABLE', message: `cannot read folder (${errnoOf(error)})`, severity: 'error' });
        continue;
      }
      if (seenDirs.has(real)) continue;
      seenDirs.add(real);
      await walk(arg, arg, '', real, new Set([real]));
    } else {
      let real = path.resolve(arg);
      try {
        real = await realpath(arg);
      } catch {
        // keep the resolved path
      }
      addFile({ path: arg, root: arg, relativePath: arg, origin: 'argument', needsContentCheck: false }, real);
    }
  }
  return { entries, problems, ignored };
}

/** The (lossily decoded) names in `dir` whose bytes are not valid UTF-8. */
async function namesNotUtf8(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  try {
    for (const raw of await readdir(dir, { encoding: 'buffer' })) {
      const decoded = raw.toString('utf8');
      if (!Buffer.from(decoded, 'utf8').equals(raw)) out.add(decoded);
    }
  } catch {
    // The folder was readable a moment ago; if not now, its names are reported as they come.
  }
  return out;
}
