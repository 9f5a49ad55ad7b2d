import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET_ERROR_CODES, DatasetError } from '../../../src/dataset/dataset-error.js';
import { FACES_ERROR_CODES, FacesError } from '../../../src/faces/faces-error.js';
import { METRICS_ERROR_CODES, MetricsError } from '../../../src/metrics/errors.js';
import {
  BACKEND_ERROR_CODES,
  BackendError,
  BackendInitError,
  BackendUnavailableError,
  MODEL_ERROR_CODES,
  ModelError,
} from '../../../src/model/errors.js';
import { REPORT_ERROR_CODES, ReportError } from '../../../src/report/report-error.js';
import { GlobError } from '../../../src/scan/glob-match.js';
import { SCAN_ERROR_CODES, ScanError } from '../../../src/scan/scan-error.js';
import { ShardError } from '../../../src/scan/shard.js';
import { SBI_ERROR_CODES, SbiError } from '../../../src/train/sbi/errors.js';
import { TRAIN_ERROR_CODES, TrainError } from '../../../src/train/train-error.js';
import { TrainError as TrainErrorFromTrainer } from '../../../src/train/train-ldfnet.js';
import { CodedError } from '../../../src/util/coded-error.js';
import { UsageError } from '../../../src/util/usage-error.js';
import { DecoderThreadError } from '../../../src/video/decoder-thread-error.js';
import { VIDEO_ERROR_CODES, VideoError } from '../../../src/video/video-error.js';
import { ROOT } from '../../helpers/run-cli.js';

interface ErrorClass {
  /** The class's name (and so every instance's `name`). */
  name: string;
  /** Builds one with the given code (ignored by single-code classes), message and cause. */
  make: (code: string, message: string, cause: unknown) => CodedError;
  /** Its codes; null for DecoderThreadError, whose codes are the decoder thread's (open). */
  codes: readonly string[] | null;
  /** Classes it must also be an instance of, besides CodedError. */
  bases?: readonly (abstract new (...args: never[]) => Error)[];
}

const CLASSES: ErrorClass[] = [
  { name: 'UsageError', make: (_c, m, cause) => new UsageError(m, { cause }), codes: ['USAGE'] },
  { name: 'ScanError', make: (c, m, cause) => new ScanError(c as never, m, { cause }), codes: SCAN_ERROR_CODES },
  { name: 'GlobError', make: (_c, m, cause) => new GlobError(m, { cause }), codes: ['BAD_GLOB'] },
  { name: 'ShardError', make: (_c, m, cause) => new ShardError(m, { cause }), codes: ['BAD_SHARD'] },
  { name: 'VideoError', make: (c, m, cause) => new VideoError(c as never, m, { cause }), codes: VIDEO_ERROR_CODES },
  { name: 'DecoderThreadError', make: (c, m, cause) => new DecoderThreadError(c, m, { cause }), codes: null },
  { name: 'FacesError', make: (c, m, cause) => new FacesError(c as never, m, { cause }), codes: FACES_ERROR_CODES },
  { name: 'ModelError', make: (c, m, cause) => new ModelError(c as never, m, { cause }), codes: MODEL_ERROR_CODES },
  {
    name: 'BackendError',
    make: (c, m, cause) => new BackendError(c as never, 'wasm', m, { cause }),
    codes: BACKEND_ERROR_CODES.filter((c) => c !== 'BACKEND_UNAVAILABLE' && c !== 'BACKEND_INIT_FAILED'),
    bases: [ModelError],
  },
  {
    name: 'BackendUnavailableError',
    make: (_c, m, cause) => new BackendUnavailableError('tensorflow', m, { cause }),
    codes: ['BACKEND_UNAVAILABLE'],
    bases: [ModelError, BackendError],
  },
  {
    name: 'BackendInitError',
    make: (_c, m, cause) => new BackendInitError('wasm', m, { cause }),
    codes: ['BACKEND_INIT_FAILED'],
    bases: [ModelError, BackendError],
  },
  { name: 'ReportError', make: (c, m, cause) => new ReportError(c as never, m, { cause }), codes: REPORT_ERROR_CODES },
  { name: 'MetricsError', make: (c, m, cause) => new MetricsError(c as never, m, { cause }), codes: METRICS_ERROR_CODES },
  { name: 'DatasetError', make: (c, m, cause) => new DatasetError(c as never, m, { cause }), codes: DATASET_ERROR_CODES },
  { name: 'SbiError', make: (c, m, cause) => new SbiError(c as never, m, { cause }), codes: SBI_ERROR_CODES },
  { name: 'TrainError', make: (c, m, cause) => new TrainError(c as never, m, { cause }), codes: TRAIN_ERROR_CODES },
];

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** The rows of docs/error-codes.md's tables: code cell (without backticks) and class cell. */
async function docRows(): Promise<{ code: string; classCell: string }[]> {
  const text = await readFile(path.join(ROOT, 'docs', 'error-codes.md'), 'utf8');
  const rows: { code: string; classCell: string }[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `CODE` | `Class` ... | meaning | surfaces |
    const code = /^`([A-Z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code !== undefined) rows.push({ code, classCell: cells[2] ?? '' });
  }
  return rows;
}

/** The class a table row is about: the first class named in its class cell. */
const rowClass = (classCell: string): string | undefined => /^`(\w+)`/.exec(classCell)?.[1];

describe('CodedError', () => {
  it('covers every error class exported from src', async () => {
    const declared = new Set<string>();
    for (const file of await sourceFiles(path.join(ROOT, 'src'))) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/^export (?:abstract )?class (\w+) extends (\w+)/gm)) {
        if (m[2]!.endsWith('Error') && m[1] !== 'CodedError') declared.add(m[1]!);
      }
    }
    expect([...declared].sort()).toEqual(CLASSES.map((c) => c.name).sort());
  });

  it.each(CLASSES)('$name is a CodedError with its code, message, cause and name', ({ name, make, codes, bases }) => {
    const cause = new Error('underneath');
    for (const code of codes ?? ['INTERNAL_ERROR', 'ENOENT']) {
      const error = make(code, 'what went wrong', cause);
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(CodedError);
      for (const base of bases ?? []) expect(error).toBeInstanceOf(base);
      expect(error.code).toBe(code);
      expect(error.message).toBe('what went wrong');
      expect(error.cause).toBe(cause);
      expect(error.name).toBe(name);
      expect(error.constructor.name).toBe(name);
      expect(String(error)).toBe(`${name}: what went wrong`);
    }
  });

  it('keeps the constructors the callers use', () => {
    expect(new UsageError('bad flag')).toMatchObject({ code: 'USAGE', message: 'bad flag', name: 'UsageError' });
    expect(new GlobError('bad glob').code).toBe('BAD_GLOB');
    expect(new ShardError('bad shard').code).toBe('BAD_SHARD');
    expect(new MetricsError('EMPTY', 'no scores').cause).toBeUndefined();
    expect(new SbiError('BAD_CROP', 'not square').cause).toBeUndefined();
    expect(new BackendInitError('wasm', 'no binary')).toMatchObject({ code: 'BACKEND_INIT_FAILED', backend: 'wasm' });
    expect(new BackendUnavailableError('tensorflow', 'not installed')).toMatchObject({ code: 'BACKEND_UNAVAILABLE', backend: 'tensorflow' });
    expect(new DatasetError('NO_ITEMS', 'empty', { path: '/d' })).toMatchObject({ code: 'NO_ITEMS', path: '/d' });
    expect('cause' in new DatasetError('NO_ITEMS', 'empty')).toBe(false);
    expect(new VideoError('TIMEOUT', 'slow', { filePath: '/v.mp4', reason: 'ran 30 s' })).toMatchObject({ code: 'TIMEOUT', filePath: '/v.mp4', reason: 'ran 30 s' });
    // The trainer still exports the class its callers import from it.
    expect(TrainErrorFromTrainer).toBe(TrainError);
  });
});

describe('docs/error-codes.md', () => {
  it('lists every code of every error class, with its class', async () => {
    const rows = await docRows();
    for (const { name, codes } of CLASSES) {
      if (codes === null) {
        // Open codes (DecoderThreadError): one row for the class.
        expect(await readFile(path.join(ROOT, 'docs', 'error-codes.md'), 'utf8')).toContain(`| \`${name}\` |`);
        continue;
      }
      const listed = rows.filter((r) => rowClass(r.classCell) === name).map((r) => r.code);
      expect({ name, codes: listed.sort() }).toEqual({ name, codes: [...codes].sort() });
    }
  });

  it('names only classes that exist', async () => {
    const known = new Set(CLASSES.map((c) => c.name));
    for (const row of await docRows()) {
      const named = rowClass(row.classCell);
      if (named !== undefined) expect(known, `${row.code}: ${row.classCell}`).toContain(named);
    }
  });
});
