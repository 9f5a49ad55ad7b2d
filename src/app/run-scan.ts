/**
 * `ldf scan` as a use case, in two steps so that bad requests fail before any model is loaded:
 *  - planScan(): the request's own checks (--resume needs --output, a journal left by an interrupted run),
 *    discovery of the inputs, and the shard's share of them;
 *  - runScan(): on an open ScanEngine, the journal (with --output) and what --resume may reuse, the batch,
 *    and the report. Returns the report and why the batch stopped early, if it did; prints nothing.
 * The caller renders the report and then calls ScanRun.save() (or, when interrupted, ScanRun.keepJournal()).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ReportError } from '../report/report-error.js';
import { buildScanReport } from '../report/build-report.js';
import { journalPathFor, ReportJournal, SCAN_JOURNAL_VERSION, type JournalHeader } from '../report/report-journal.js';
import { resultKey } from '../report/result-key.js';
import { loadResumeIndex, type ResumeIndex } from '../report/resume-index.js';
import type { FileResult, ReportInputs, ScanOptions, ScanReport } from '../report/scan-report.js';
import { discoverInputs, type Discovery, type InputEntry, type WalkProblem } from '../scan/discover-inputs.js';
import { GlobError } from '../scan/glob-match.js';
import { scanBatch, type BatchOutcome, type BatchRun } from '../scan/scan-batch.js';
import type { ScanEvent, ScanEventListener, ScanSettings } from '../scan/scan-file.js';
import { EvidenceImages, type EvidencePicture } from '../faces/evidence-images.js';
import { shardOf, type Shard } from '../scan/shard.js';
import { pathExists } from '../util/path-exists.js';
import { UsageError } from '../util/usage-error.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { ScanEngineView } from './open-scan-engine.js';

export interface ScanPlanRequest {
  paths: string[];
  include: string[];
  exclude: string[];
  /** Media extensions that folders are narrowed to (null: every media file). */
  extensions: string[] | null;
  shard: Shard | null;
  /** The report file (the journal sits beside it); absent: the caller prints the report. */
  output?: string | undefined;
  resume: boolean;
}

export interface ScanPlan {
  request: ScanPlanRequest;
  /** This run's inputs: the shard's share of what discovery found, in a stable order. */
  entries: InputEntry[];
  /** Unreadable folders, symlink loops, dangling links (severity warning or error). */
  problems: WalkProblem[];
  /** Whether discovery found anything at all (before the shard): a shard's share may be empty. */
  found: boolean;
  inputs: ReportInputs;
}

/**
 * @throws UsageError (--resume without --output, a bad --include/--exclude), ReportError JOURNAL_EXISTS.
 */
export async function planScan(request: ScanPlanRequest): Promise<ScanPlan> {
  const { output } = request;
  if (request.resume && output === undefined) throw new UsageError('--resume needs --output FILE: the report (or its journal) to continue');
  if (output !== undefined && !request.resume && (await pathExists(journalPathFor(output)))) {
    throw new ReportError(
      'JOURNAL_EXISTS',
      `${journalPathFor(output)} holds the results of an interrupted run: add --resume to continue it, or delete it to start again`,
    );
  }
  let discovery: Discovery;
  try {
    discovery = await discoverInputs(request.paths, { include: request.include, exclude: request.exclude, extensions: request.extensions });
  } catch (error) {
    if (error instanceof GlobError) throw new UsageError(`--include/--exclude: ${error.message}`);
    throw error;
  }
  const { shard } = request;
  const entries = shard === null ? discovery.entries : discovery.entries.filter((e) => shardOf(e.shardKey, shard.count) === shard.index);
  return {
    request,
    entries,
    problems: discovery.problems,
    found: discovery.entries.length > 0,
    inputs: { paths: request.paths, include: request.include, exclude: request.exclude, extensions: request.extensions, shard },
  };
}

export interface ScanRunOptions {
  /** Frame sampling, detection and aggregation, as scanSettingsFromFlags() makes them. */
  settings: ScanSettings;
  /** The same settings as the report records them (options.detector is filled in from the engine). */
  options: ScanOptions;
  concurrency: number;
  maxErrors?: number | undefined;
  /** Aborting stops the batch between frames; the report then says `stopped: interrupted`. */
  signal?: AbortSignal | undefined;
  toolVersion: string;
  /** performance.now() when the command started (the report's totalMs counts from it). */
  startedMs: number;
  /** Whether the output file, when resuming, is expected to be a JSON report (else only its journal is read). */
  outputIsJsonReport: boolean;
  /**
   * Keep each person's highest- and lowest-scoring crops (EVIDENCE_PER_RANK of each): as PNG files in `dir`
   * (`--evidence DIR`), and/or as page thumbnails in memory (`pictures`, for `--format html`). The report's
   * tracks name them (thumbnails).
   */
  evidence?: { dir?: string | undefined; pictures: boolean } | undefined;
}

/** Crops kept per person and rank: the 2 highest- and the 2 lowest-scoring faces. */
export const EVIDENCE_PER_RANK = 2;

export interface ScanHooks {
  /** Progress: file and frame events from the batch. */
  emit?: ScanEventListener;
  /** Every outcome, in input order, once final (after the journal has it). */
  onOutcome?: (outcome: BatchOutcome) => void;
  /** Things the user should be told (resume summary, ignored or damaged resume data). */
  notice?: (line: string) => void;
}

export interface ScanRun {
  /** Page thumbnails of the evidence crops by image name (ScanRunOptions.evidence.pictures), else empty. */
  pictures: ReadonlyMap<string, EvidencePicture>;
  report: ScanReport;
  /** Why the batch stopped before the end (max-errors, interrupted), or null. */
  stopped: BatchRun['stopped'];
  results: FileResult[];
  /** The journal beside --output, or null without --output. */
  journalPath: string | null;
  /** Writes the rendered report to --output atomically and removes the journal. */
  save(text: string): Promise<void>;
  /** Closes the journal and keeps it (an interrupted run, to --resume later). */
  keepJournal(): Promise<void>;
  /** Errors outside the files' own results: unreadable folders, and a batch that stopped early. */
  otherErrors: number;
  /** Nothing was found to scan at all (an empty shard of a non-empty batch is not "nothing"). */
  nothingToScan: boolean;
}

export async function runScan(engine: ScanEngineView, plan: ScanPlan, run: ScanRunOptions, hooks: ScanHooks = {}): Promise<ScanRun> {
  const notice = hooks.notice ?? ((): void => {});
  const options: ScanOptions = { ...run.options, detector: engine.detectorInfo };
  const output = plan.request.output;

  let journal: ReportJournal | null = null;
  let previous: ResumeIndex | null = null;
  if (output !== undefined) {
    const journalPath = journalPathFor(output);
    if (plan.request.resume) {
      previous = await loadResumeIndex(output, journalPath, resultKey(engine.modelInfo, options));
      if (previous.reportIgnored !== null && run.outputIsJsonReport) notice(`warning: ${previous.reportIgnored}: not resuming from it`);
      if (previous.damagedLines > 0) notice(`warning: ${journalPath}: ${previous.damagedLines} damaged line(s) left out (a write cut short)`);
      notice(`resuming: ${previous.bySha256.size} finished result(s) reusable (${previous.fromReport} from the report, ${previous.fromJournal} from the journal)`);
    }
    const header: JournalHeader = {
      kind: 'ldf.scan-journal',
      schemaVersion: SCAN_JOURNAL_VERSION,
      createdAt: new Date().toISOString(),
      tool: { name: 'ldf', version: run.toolVersion },
      model: engine.modelInfo,
      backend: engine.backendInfo,
      options,
      inputs: plan.inputs,
    };
    journal = await ReportJournal.create(journalPath, header, previous === null ? [] : [...previous.bySha256.values()]);
  }

  const evidence = run.evidence;
  const pictures = new Map<string, EvidencePicture>();
  const writes: Promise<void>[] = [];
  if (evidence?.dir !== undefined) await mkdir(evidence.dir, { recursive: true });
  const emit = (event: ScanEvent): void => {
    if (event.type === 'evidence' && evidence !== undefined) {
      for (const crop of event.crops) {
        if (evidence.dir !== undefined) writes.push(EvidenceImages.writePng(path.join(evidence.dir, crop.image), crop.rgb, crop.sizePx));
        if (evidence.pictures) writes.push(EvidenceImages.thumbnailOfRgb(crop.rgb, crop.sizePx).then((p) => void pictures.set(crop.image, p)));
      }
    }
    hooks.emit?.(event);
  };
  const settings = { ...run.settings, evidencePerRank: evidence === undefined ? 0 : EVIDENCE_PER_RANK, signal: run.signal };
  const batch = await scanBatch(plan.entries, engine.context, settings, {
    concurrency: run.concurrency,
    maxErrors: run.maxErrors,
    signal: run.signal,
    findPrevious: previous === null ? undefined : (sha256) => previous.bySha256.get(sha256),
    emit,
    onOutcome: async (outcome) => {
      if (outcome.kind === 'scanned') await journal?.append(outcome.result);
      hooks.onOutcome?.(outcome);
    },
  });

  const results: FileResult[] = [];
  let resumed = 0;
  for (const o of batch.outcomes) {
    if (o.kind === 'skipped') continue;
    results.push(o.result);
    if (o.kind === 'resumed') resumed++;
  }
  await Promise.all(writes);
  // Resumed files were scanned earlier: their crops are in the evidence folder, if anywhere.
  if (evidence?.pictures === true && evidence.dir !== undefined) {
    for (const track of results.flatMap((r) => r.tracks)) {
      for (const thumbnail of track.thumbnails ?? []) {
        if (pictures.has(thumbnail.image)) continue;
        const picture = await EvidenceImages.thumbnailOfFile(path.join(evidence.dir, thumbnail.image));
        if (picture !== null) pictures.set(thumbnail.image, picture);
      }
    }
  }
  const report = buildScanReport(results, {
    toolVersion: run.toolVersion,
    model: engine.modelInfo,
    backend: engine.backendInfo,
    decoder: engine.decoderInfo ?? null,
    options,
    totalMs: performance.now() - run.startedMs,
    inputs: plan.inputs,
    skipped: batch.outcomes.flatMap((o) => (o.kind === 'skipped' ? [{ path: o.entry.path, reason: o.reason }] : [])),
    problems: plan.problems,
    stopped: batch.stopped,
    resumed,
  });
  return {
    pictures,
    report,
    stopped: batch.stopped,
    results,
    journalPath: journal?.path ?? null,
    async save(text) {
      if (output === undefined) throw new TypeError('ScanRun.save() needs --output');
      await writeFileAtomic(output, text);
      await journal?.remove();
    },
    async keepJournal() {
      await journal?.close();
    },
    otherErrors: plan.problems.filter((p) => p.severity === 'error').length + (batch.stopped !== null ? 1 : 0),
    nothingToScan: !(results.length > 0 || (plan.request.shard !== null && plan.found)),
  };
}
