import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportError } from '../../../src/report/report-error.js';
import { journalPathFor, readJournal, ReportJournal, SCAN_JOURNAL_VERSION, type JournalHeader } from '../../../src/report/report-journal.js';
import { resultKey } from '../../../src/report/result-key.js';
import { loadResumeIndex } from '../../../src/report/resume-index.js';
import { schemaValidator } from '../../../src/util/json-schema.js';
import { fileResult, MODEL, OPTIONS, report } from '../../helpers/report-fixtures.js';

let dir: string;
const header: JournalHeader = {
  kind: 'ldf.scan-journal',
  schemaVersion: SCAN_JOURNAL_VERSION,
  createdAt: '2024-05-01T10:00:00.000Z',
  tool: { name: 'ldf', version: '0.1.0' },
  model: MODEL,
  backend: { name: 'wasm', threads: 2, simd: true },
  options: OPTIONS,
  inputs: { paths: ['media'], include: [], exclude: [], extensions: null, shard: null },
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-journal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ReportJournal', () => {
  it('writes a header and one line per file, each valid against the journal schema, and reads them back', async () => {
    const file = journalPathFor(path.join(dir, 'report.json'));
    expect(file).toBe(path.join(dir, 'report.json.journal.jsonl'));
    const journal = await ReportJournal.create(file, header, [fileResult('carried.mp4', 0.2)]);
    await journal.append(fileResult('a.mp4', 0.9));
    await journal.append(fileResult('b.mp4', null, { code: 'EMPTY_FILE', message: 'file is empty' }));
    await journal.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4);
    const validate = schemaValidator('scan-journal.schema.json');
    for (const line of lines) expect(validate(JSON.parse(line)), JSON.stringify(validate.errors)).toBe(true);
    const back = await readJournal(file);
    expect(back.header).toEqual(header);
    expect(back.results.map((r) => r.path)).toEqual(['carried.mp4', 'a.mp4', 'b.mp4']);
    expect(back.damagedLines).toBe(0);
  });

  it('keeps every whole line when the last one was cut by a kill', async () => {
    const file = path.join(dir, 'cut.jsonl');
    const journal = await ReportJournal.create(file, header);
    await journal.append(fileResult('a.mp4', 0.1));
    await journal.close();
    await appendFile(file, JSON.stringify({ type: 'file', result: fileResult('b.mp4', 0.1) }).slice(0, 80));
    const back = await readJournal(file);
    expect(back.results.map((r) => r.path)).toEqual(['a.mp4']);
    expect(back.damagedLines).toBe(1);
  });

  it('refuses a file without a journal header', async () => {
    const file = path.join(dir, 'junk.jsonl');
    await writeFile(file, 'hello\n');
    await expect(readJournal(file)).rejects.toMatchObject({ code: 'JOURNAL_INVALID' });
    await expect(readJournal(path.join(dir, 'missing.jsonl'))).rejects.toBeInstanceOf(ReportError);
  });

  it('a new journal replaces an old one only once it is whole', async () => {
    const file = path.join(dir, 'replace.jsonl');
    await (await ReportJournal.create(file, header, [fileResult('old.mp4', 0.1)])).close();
    const next = await ReportJournal.create(file, { ...header, createdAt: '2024-05-02T00:00:00.000Z' }, [fileResult('old.mp4', 0.1), fileResult('older.mp4', 0.2)]);
    await next.remove();
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('loadResumeIndex', () => {
  it('reuses finished results with the same model and options from the report and the journal; retries failures', async () => {
    const output = path.join(dir, 'resume.json');
    const key = resultKey(MODEL, OPTIONS);
    await writeFile(output, JSON.stringify(report([fileResult('r1.mp4', 0.1), fileResult('bad.mp4', null, { code: 'EMPTY_FILE', message: 'empty' })])));
    const journal = await ReportJournal.create(journalPathFor(output), header, [fileResult('j1.mp4', 0.9)]);
    await journal.close();
    const index = await loadResumeIndex(output, journalPathFor(output), key);
    expect([...index.bySha256.values()].map((r) => r.path).sort()).toEqual(['j1.mp4', 'r1.mp4']);
    expect(index).toMatchObject({ fromReport: 1, fromJournal: 1, notReusable: 1, reportIgnored: null });

    const otherKey = resultKey(MODEL, { ...OPTIONS, minFacePx: 10 });
    expect((await loadResumeIndex(output, journalPathFor(output), otherKey)).bySha256.size).toBe(0);
    // A JUnit report in the way is not an error: it is just not resumed from.
    await writeFile(output, '<?xml version="1.0"?><testsuites/>');
    expect((await loadResumeIndex(output, journalPathFor(output), key)).reportIgnored).toMatch(/not JSON/);
  });
});
