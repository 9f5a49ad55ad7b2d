import type { PrepareEvent, PrepareSummary } from '../dataset/prepare-dataset.js';

/**
 * What `ldf dataset prepare` says on stderr about an event (lines without the `ldf: ` prefix, which the
 * stderr writer adds): how much an earlier run did, what a cleanup after a killed run dropped, files that
 * failed, inputs that are missing, warnings. `out` is the dataset folder as the user gave it.
 */
export function prepareEventLines(event: PrepareEvent, out: string): string[] {
  switch (event.type) {
    case 'start': {
      const lines: string[] = [];
      const { repaired } = event.resume;
      if (event.alreadyDone > 0) lines.push(`${out}: ${event.alreadyDone} of ${event.found} files already done, ${event.toProcess} to go`);
      const dropped = repaired.itemLines + repaired.cropFiles + repaired.errorLines;
      if (dropped > 0 || repaired.tornLines > 0) {
        lines.push(`${out}: cleaned up after an interrupted run (${repaired.itemLines} item lines, ${repaired.cropFiles} crop files of unfinished files; ${repaired.tornLines} torn lines)`);
      }
      return lines;
    }
    case 'source-error':
      return [`${event.file}: ${event.message} [${event.code}]`];
    case 'input-problem':
      return [`${event.message} [${event.code}]`];
    case 'warning':
      return [`warning: ${event.message}`];
    default:
      return [];
  }
}

/** The summary on stdout: this run's files and faces, and the dataset's counts after it ('' when nothing was found). */
export function formatPrepareSummary(s: PrepareSummary): string {
  if (s.sourcesFound === 0) return '';
  const rate = s.imagesPerSecond === null ? '' : `, ${s.imagesPerSecond.toFixed(1)} images/s`;
  const lines = [
    `${s.dir}: ${s.sourcesProcessed} files processed (${s.sourcesWithFaces} with faces, ${s.sourcesWithoutFaces} without, ${s.sourcesFailed} failed), ${s.sourcesSkipped} already done; ${s.items} faces added in ${(s.elapsedMs / 1000).toFixed(1)} s${rate}`,
  ];
  const c = s.manifest?.counts;
  if (c !== undefined) {
    const failed = c.sourcesFailed > 0 ? `; ${c.sourcesFailed} files failed, see errors.jsonl` : '';
    lines.push(`dataset: ${c.items} faces from ${c.sources} files (real ${c.byLabel.real}, fake ${c.byLabel.fake}; train ${c.bySplit.train}, val ${c.bySplit.val}; identities: train ${c.identities.train}, val ${c.identities.val}${failed})`);
  }
  return `${lines.join('\n')}\n`;
}
