import { describe, expect, it } from 'vitest';
import { formatJunit } from '../../../src/report/format-junit.js';
import { junitProblems, parseXml } from '../../helpers/junit-xml.js';
import { fileResult, report } from '../../helpers/report-fixtures.js';

const sample = report(
  [
    fileResult('clips/real.mp4', 0.1),
    fileResult('clips/maybe.mp4', 0.5),
    fileResult('clips/fake & "odd" <name>.mp4', 0.93),
    fileResult('clips/none.mp4', null),
    fileResult('clips/broken.mp4', null, { code: 'UNREADABLE_MEDIA', message: 'not readable as media (Invalid data found)' }),
    fileResult('weird\u0001name\ttab.mp4', 0.2),
  ],
  {
    skipped: [{ path: 'clips/notes.txt', reason: 'NOT_MEDIA' }],
    problems: [
      { path: 'clips/locked', code: 'DIR_UNREADABLE', message: 'cannot read folder (EACCES)', severity: 'error' },
      { path: 'clips/loop', code: 'SYMLINK_LOOP', message: 'loop', severity: 'warning' },
    ],
  },
);

describe('formatJunit', () => {
  it('is valid against the common JUnit schemas (rules in test/helpers/junit-xml.ts)', () => {
    const xml = formatJunit(sample, { hostname: 'ci-runner-1' });
    expect(junitProblems(xml)).toEqual([]);
  });

  it('one test case per file: flagged files fail with the score and worst person, unreadable ones are errors', () => {
    const suite = parseXml(formatJunit(sample, { hostname: 'h' })).children[0]!;
    const cases = suite.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual([
      'clips/real.mp4',
      'clips/maybe.mp4',
      'clips/fake & "odd" <name>.mp4',
      'clips/none.mp4',
      'clips/broken.mp4',
      'weird\ufffdname\ttab.mp4', // a control character XML cannot carry is replaced; the tab survives as &#9;
      'clips/locked', // the unreadable folder
    ]);
    const byName = Object.fromEntries(cases.map((c) => [c.attrs.name, c]));
    const failure = byName['clips/fake & "odd" <name>.mp4']!.children[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attrs.type).toBe('fake');
    expect(failure.attrs.message).toBe('fake score 0.930, worst: person #0 (4 faces, 0.0s-1.5s)');
    expect(failure.text).toContain('person #0: fake 0.930 over 4 faces');
    const error = byName['clips/broken.mp4']!.children[0]!;
    expect(error).toMatchObject({ name: 'error', attrs: { type: 'UNREADABLE_MEDIA', message: 'not readable as media (Invalid data found)' } });
    expect(byName['clips/locked']!.children[0]!.attrs.type).toBe('DIR_UNREADABLE');
    for (const name of ['clips/real.mp4', 'clips/maybe.mp4', 'clips/none.mp4']) expect(byName[name]!.children).toEqual([]);
    expect(byName['clips/real.mp4']!.attrs).toMatchObject({ classname: 'clips', time: '1.500' });
    expect(suite.attrs).toMatchObject({ tests: '7', failures: '1', errors: '2', hostname: 'h', timestamp: '2024-05-01T10:00:00', time: '6.000' });
    const out = suite.children.find((c) => c.name === 'system-out')!.text;
    expect(out).toContain('uncertain 0.500 clips/maybe.mp4');
    expect(out).toContain('clips/notes.txt (not media)');
    expect(out).toContain('clips/loop: loop [SYMLINK_LOOP]');
  });

  it('--fail-on uncertain makes uncertain files failures too; none makes nothing fail', () => {
    const failures = (failOn: 'fake' | 'uncertain' | 'none'): string[] =>
      parseXml(formatJunit(sample, { hostname: 'h', failOn }))
        .children[0]!.children.filter((c) => c.children[0]?.name === 'failure')
        .map((c) => c.attrs.name!);
    expect(failures('uncertain')).toEqual(['clips/maybe.mp4', 'clips/fake & "odd" <name>.mp4']);
    expect(failures('none')).toEqual([]);
  });

  it('an early stop is an error, so CI never takes a partial scan for a clean one; an empty report is valid', () => {
    const stopped = formatJunit(report([fileResult('a.mp4', 0.1)], { stopped: { reason: 'max-errors', unscanned: 12 } }), { hostname: 'h' });
    expect(junitProblems(stopped)).toEqual([]);
    const last = parseXml(stopped).children[0]!.children.filter((c) => c.name === 'testcase').at(-1)!;
    expect(last.children[0]!.attrs).toMatchObject({ type: 'MAX_ERRORS', message: 'stopped at --max-errors: 12 file(s) not scanned' });
    expect(junitProblems(formatJunit(report([]), { hostname: 'h' }))).toEqual([]);
  });

  it('the checker itself catches what the schemas forbid', () => {
    const good = formatJunit(report([fileResult('a.mp4', 0.9)]), { hostname: 'h' });
    expect(junitProblems(good.replace('<testsuites>', '<testsuites tests="1">'))).toContain('testsuites: attribute tests not allowed');
    expect(junitProblems(good.replace(' hostname="h"', ''))).toContain('testsuite[0]: missing attribute hostname');
    expect(junitProblems(good.replace('failures="1"', 'failures="0"'))).toContain('testsuite[0]: failures="0" but 1 failure elements');
    expect(junitProblems(good.replace('type="fake"', ''))).toContain('testsuite[0]/testcase "a.mp4"/failure: missing attribute type');
    expect(junitProblems(good.replace('</testcase>', '<error type="x"/></testcase>'))).toContain('testsuite[0]/testcase "a.mp4": at most one failure or error');
    expect(junitProblems(good.replace(/timestamp="[^"]*"/, 'timestamp="2024-05-01T10:00:00Z"'))[0]).toMatch(/timestamp/);
    expect(junitProblems(good.replace('a.mp4"', 'a\u0001.mp4"'))[0]).toMatch(/not well-formed/);
  });
});
