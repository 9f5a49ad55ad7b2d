import path from 'node:path';
import type { FileResult, ScanReport } from './scan-report.js';
import { reachesFailOn, type FailOn } from './verdicts.js';

export interface JunitOptions {
  /** The testsuite's hostname attribute (the Ant JUnit schema requires one). */
  hostname: string;
  /** Which verdicts are failures; default: the report's --fail-on. */
  failOn?: FailOn;
}

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

function xmlText(text: string): string {
  return text.replace(INVALID_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function describeWorst(file: FileResult): string {
  const track = file.tracks.find((t) => t.id === file.worstTrackId);
  const score = file.scoreFake === null ? '' : ` score ${file.scoreFake.toFixed(3)}`;
  if (track === undefined) return `${file.verdict}${score}`;
  const span = `${(track.firstTimestampMs / 1000).toFixed(1)}s-${(track.lastTimestampMs / 1000).toFixed(1)}s`;
  return `${file.verdict}${score}, worst: person #${track.id} (${track.faceCount} faces, ${span})`;
}

interface Case {
  name: string;
  classname: string;
  timeMs: number;
  failure?: { type: string; message: string; text: string };
  error?: { type: string; message: string; text: string };
}

/**
 * The report as JUnit XML, one test case per file: a file whose verdict
 * reaches --fail-on is a failure (its score and worst person), a file that
 * could not be scanned an error (its error code as the type); other files
 * pass. Folder problems of severity error and an early stop (--max-errors,
 * Ctrl-C) are errors too, so CI never mistakes a partial scan for a clean one.
 *
 * The document is valid against both common JUnit schemas: the Ant one
 * (JUnit.xsd: testsuites without attributes; testsuite with name, timestamp
 * without zone, hostname, tests, failures, errors, time, package and id;
 * properties, test cases, system-out and system-err in that order; at most
 * one failure or error per test case) and Jenkins' junit-10.xsd, which
 * allows all of that. Verdicts, skipped files and warnings are listed in
 * system-out.
 */
export function formatJunit(report: ScanReport, options: JunitOptions): string {
  const failOn = options.failOn ?? report.options.failOn;
  const cases: Case[] = report.files.map((file) => {
    const dir = path.posix.dirname(file.path.replace(/\\/g, '/'));
    const c: Case = { name: file.path, classname: dir === '' ? '.' : dir, timeMs: file.timings.totalMs };
    if (file.error !== null) {
      c.error = { type: file.error.code, message: file.error.message, text: `${file.path}: ${file.error.message} [${file.error.code}]` };
    } else if (reachesFailOn(file.verdict, failOn)) {
      const message = describeWorst(file);
      const lines = [`${file.path}: ${message}`];
      for (const t of file.tracks) {
        lines.push(`  person #${t.id}: ${t.verdict} ${t.scoreFake.toFixed(3)} over ${t.faceCount} faces${t.counted ? '' : ' (too few faces to count)'}`);
      }
      c.failure = { type: file.verdict, message, text: lines.join('\n') };
    }
    return c;
  });
  for (const p of report.problems.filter((q) => q.severity === 'error')) {
    cases.push({ name: p.path, classname: 'ldf.folders', timeMs: 0, error: { type: p.code, message: p.message, text: `${p.path}: ${p.message} [${p.code}]` } });
  }
  if (report.stopped !== null) {
    const why = report.stopped.reason === 'max-errors' ? 'stopped at --max-errors' : 'interrupted';
    const message = `${why}: ${report.stopped.unscanned} file(s) not scanned`;
    cases.push({ name: '(not scanned)', classname: 'ldf', timeMs: 0, error: { type: report.stopped.reason === 'max-errors' ? 'MAX_ERRORS' : 'INTERRUPTED', message, text: message } });
  }

  const failures = cases.filter((c) => c.failure !== undefined).length;
  const errors = cases.filter((c) => c.error !== undefined).length;
  const timestamp = report.createdAt.replace(/\.\d+/, '').replace(/(Z|[+-]\d\d:\d\d)$/, '');
  const properties: [string, string][] = [
    ['tool', `ldf ${report.tool.version}`],
    ['model', `${report.model.id} ${report.model.version}${report.model.trained ? '' : ' (untrained)'}`],
    ['backend', report.backend.name],
    ['fail-on', failOn],
    ['thresholds', `real < ${report.options.thresholds.real} <= uncertain < ${report.options.thresholds.fake} <= fake`],
    ['aggregate', report.options.aggregate],
  ];
  if (report.inputs.shard !== null) properties.push(['shard', `${report.inputs.shard.index}/${report.inputs.shard.count}`]);
  if (report.merged !== null) properties.push(['merged', `${report.merged.reports.length} reports${report.merged.mixed ? ' (mixed models or options)' : ''}`]);

  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  out.push(
    `  <testsuite name="ldf scan" package="ldf" id="0" tests="${cases.length}" failures="${failures}" errors="${errors}" ` +
      `time="${seconds(report.summary.totalMs)}" timestamp="${xmlAttr(timestamp)}" hostname="${xmlAttr(options.hostname || 'localhost')}">`,
  );
  out.push('    <properties>');
  for (const [name, value] of properties) out.push(`      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`);
  out.push('    </properties>');
  for (const c of cases) {
    const open = `    <testcase name="${xmlAttr(c.name)}" classname="${xmlAttr(c.classname)}" time="${seconds(c.timeMs)}"`;
    const body = c.failure ?? c.error;
    if (body === undefined) {
      out.push(`${open}/>`);
    } else {
      const tag = c.failure !== undefined ? 'failure' : 'error';
      out.push(`${open}>`, `      <${tag} message="${xmlAttr(body.message)}" type="${xmlAttr(body.type)}">${xmlText(body.text)}</${tag}>`, '    </testcase>');
    }
  }
  const systemOut = [
    ...report.files.map((f) => `${f.verdict.padEnd(9)} ${f.scoreFake === null ? '-    ' : f.scoreFake.toFixed(3)} ${f.path}`),
    ...report.skipped.map((s) => `skipped   -     ${s.path} (${s.reason === 'EMPTY' ? 'empty' : 'not media'})`),
    ...report.problems.filter((p) => p.severity === 'warning').map((p) => `warning   -     ${p.path}: ${p.message} [${p.code}]`),
  ];
  out.push(`    <system-out>${xmlText(systemOut.join('\n'))}</system-out>`, '    <system-err></system-err>', '  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
