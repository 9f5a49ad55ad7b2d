import { CodedError } from '../util/coded-error.js';

/**
 * Glob patterns for `--include` / `--exclude`, matched against a path
 * relative to the scanned folder, with `/` as the separator.
 *
 * - `*` any run of characters except `/`; `?` one character except `/`;
 *   `[abc]`, `[a-z]`, `[!a-z]` one character from (or not from) a set;
 *   `{mp4,mov}` alternatives (no nesting); `\x` the character x.
 * - `**` as a whole segment: zero or more folders (`a/**\/b`, `**\/x.mp4`, `dir/**`).
 * - A pattern without `/` matches the file or folder name at any depth
 *   (`*.mp4`, `tmp`), like .gitignore; a pattern with `/` is matched against
 *   the whole relative path (a leading `/` is ignored).
 * - Names starting with a dot are not special; matching is case-sensitive.
 */
export type PathMatcher = (relativePath: string) => boolean;

/** A bad --include / --exclude pattern (code 'BAD_GLOB'); ldf scan and ldf eval report it as a UsageError. */
export class GlobError extends CodedError<'BAD_GLOB'> {
  constructor(message: string, options?: ErrorOptions) {
    super('BAD_GLOB', message, options);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The regular-expression source for one path segment's pattern (no `/` inside). */
function segmentSource(segment: string, pattern: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\') {
      const next = segment[i + 1];
      if (next === undefined) throw new GlobError(`glob "${pattern}" ends with a lone backslash`);
      out += escapeRegExp(next);
      i++;
    } else if (c === '*') {
      while (segment[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end === -1) throw new GlobError(`glob "${pattern}" has an unclosed [`);
      let body = segment.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      if (body === '') throw new GlobError(`glob "${pattern}" has an empty [] set`);
      const set = body.replace(/[\\\]^]/g, '\\$&');
      out += negated ? `[^/${set}]` : `[${set}]`;
      i = end;
    } else if (c === '{') {
      const end = segment.indexOf('}', i + 1);
      if (end === -1) throw new GlobError(`glob "${pattern}" has an unclosed {`);
      const alternatives = segment.slice(i + 1, end).split(',');
      out += `(?:${alternatives.map((a) => segmentSource(a, pattern)).join('|')})`;
      i = end;
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

/** Compiles one glob pattern (see the module comment) into a matcher. */
export function compileGlob(pattern: string): PathMatcher {
  const trimmed = pattern.trim();
  if (trimmed === '') throw new GlobError('empty glob pattern');
  const anchored = trimmed.includes('/');
  const segments = trimmed.replace(/^\/+/, '').replace(/\/+$/, '').split('/').filter((s) => s !== '');
  if (segments.length === 0) throw new GlobError(`glob "${pattern}" matches nothing`);
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      // Middle: zero or more whole folders. Last ("dir/**"): everything inside, at any depth.
      source += last ? '[^/]+(?:/[^/]+)*' : '(?:[^/]+/)*';
    } else {
      source += segmentSource(segment, pattern) + (last ? '' : '/');
    }
  });
  const regex = new RegExp(`^${source}$`, 'u');
  if (anchored) return (relativePath) => regex.test(relativePath);
  return (relativePath) => {
    const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
    return regex.test(name);
  };
}

/** A matcher that is true when any of the patterns match (false for no patterns). */
export function compileGlobs(patterns: readonly string[]): PathMatcher {
  const matchers = patterns.map(compileGlob);
  return (relativePath) => matchers.some((m) => m(relativePath));
}
