/**
 * Where a source's label and identity come from: a real/ or fake/ folder above it, a --labels CSV
 * (`path,label[,identity]`), or --label for everything. `ldf eval` labels its files by the same rules.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from './dataset-error.js';
import type { FaceLabel } from './dataset-format.js';

/**
 * The label given by the folder layout: the nearest folder named `real` or `fake` (any case) among the
 * folders between the file and its input root, the root itself included. null when there is none.
 */
export function labelFromLayout(rootPath: string, relPath: string): FaceLabel | null {
  const folders = [path.basename(rootPath), ...relPath.split('/').slice(0, -1)];
  for (let i = folders.length - 1; i >= 0; i--) {
    const name = folders[i]!.toLowerCase();
    if (name === 'real' || name === 'fake') return name;
  }
  return null;
}

export interface LabelsCsvEntry {
  label: FaceLabel;
  /** The third column, when present and not empty. */
  identity: string | null;
  /** 1-based line in the CSV. */
  line: number;
}

/** Reads a --labels CSV; keys of the map are absolute file paths. @throws DatasetError BAD_LABELS_FILE */
export async function readLabelsCsv(csvPath: string): Promise<Map<string, LabelsCsvEntry>> {
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (cause) {
    throw new DatasetError('BAD_LABELS_FILE', `${csvPath}: cannot read the labels file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, { cause, path: csvPath });
  }
  return parseLabelsCsv(text, path.dirname(path.resolve(csvPath)), csvPath);
}

/**
 * Parses `path,label[,identity]` lines: paths relative to `baseDir` (or absolute), labels real / fake
 * (also 0 = real, 1 = fake), fields optionally double-quoted ("" inside quotes is a quote). A first line
 * `path,label[,identity]` is a header; empty lines and lines starting with # are skipped. A path listed twice
 * must have the same label and identity.
 *
 * @throws DatasetError BAD_LABELS_FILE naming the line.
 */
export function parseLabelsCsv(text: string, baseDir: string, name = 'labels'): Map<string, LabelsCsvEntry> {
  const entries = new Map<string, LabelsCsvEntry>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const fields = splitCsvLine(raw, `${name}:${line}`);
    if (i === 0 && fields[0]?.trim().toLowerCase() === 'path' && fields[1]?.trim().toLowerCase() === 'label') continue;
    if (fields.length < 2 || fields.length > 3) {
      throw new DatasetError('BAD_LABELS_FILE', `${name}:${line}: expected path,label[,identity], got ${fields.length} field(s)`);
    }
    const [file, labelText, identityText] = fields.map((f) => f.trim()) as [string, string, string | undefined];
    if (file === '') throw new DatasetError('BAD_LABELS_FILE', `${name}:${line}: empty path`);
    const label = parseLabel(labelText);
    if (label === null) throw new DatasetError('BAD_LABELS_FILE', `${name}:${line}: label must be real or fake (or 0 / 1), got "${labelText}"`);
    const identity = identityText === undefined || identityText === '' ? null : identityText;
    const key = path.resolve(baseDir, file);
    const previous = entries.get(key);
    if (previous !== undefined && (previous.label !== label || previous.identity !== identity)) {
      throw new DatasetError('BAD_LABELS_FILE', `${name}:${line}: ${file} is listed again (line ${previous.line}) with a different label or identity`);
    }
    if (previous === undefined) entries.set(key, { label, identity, line });
  }
  return entries;
}

function parseLabel(text: string): FaceLabel | null {
  const t = text.toLowerCase();
  if (t === 'real' || t === '0') return 'real';
  if (t === 'fake' || t === '1') return 'fake';
  return null;
}

function splitCsvLine(line: string, where: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new DatasetError('BAD_LABELS_FILE', `${where}: unterminated quoted field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new DatasetError('BAD_LABELS_FILE', `${where}: text after a closing quote`);
    } else {
      const end = line.indexOf(',', i);
      field = end === -1 ? line.slice(i) : line.slice(i, end);
      i = end === -1 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}
