import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendJsonl, readJsonl, rewriteJsonl } from '../../../src/dataset/jsonl-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-jsonl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JSON Lines files', () => {
  it('appends and reads back; a missing file is empty', async () => {
    const f = path.join(dir, 'a.jsonl');
    expect(await readJsonl(f)).toEqual({ records: [], tornTail: false, needsRewrite: false });
    await appendJsonl(f, [{ a: 1 }, { b: 'x\ny' }]);
    await appendJsonl(f, []);
    await appendJsonl(f, [{ c: null }]);
    expect(await readJsonl(f)).toEqual({ records: [{ a: 1 }, { b: 'x\ny' }, { c: null }], tornTail: false, needsRewrite: false });
  });

  it('leaves out a torn last line and asks for a rewrite', async () => {
    const f = path.join(dir, 'torn.jsonl');
    await writeFile(f, '{"a":1}\n{"b":2}\n{"c":');
    expect(await readJsonl(f)).toEqual({ records: [{ a: 1 }, { b: 2 }], tornTail: true, needsRewrite: true });
    await rewriteJsonl(f, (await readJsonl(f)).records);
    expect(await readFile(f, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
  });

  it('keeps a complete last line without its newline but asks for a rewrite', async () => {
    const f = path.join(dir, 'nonl.jsonl');
    await writeFile(f, '{"a":1}\n{"b":2}');
    expect(await readJsonl(f)).toEqual({ records: [{ a: 1 }, { b: 2 }], tornTail: false, needsRewrite: true });
  });

  it('refuses a damaged line in the middle', async () => {
    const f = path.join(dir, 'bad.jsonl');
    await writeFile(f, '{"a":1}\n{"b":\n{"c":3}\n');
    await expect(readJsonl(f)).rejects.toMatchObject({ code: 'NOT_A_DATASET', message: expect.stringMatching(/line 2/) });
  });
});
