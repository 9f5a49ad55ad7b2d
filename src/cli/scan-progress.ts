import cliProgress from 'cli-progress';
import type { BatchOutcome } from '../scan/scan-batch.js';
import type { ScanEvent } from '../scan/scan-file.js';
import type { StderrWriter } from './stderr-writer.js';

export interface ScanProgress {
  onEvent(event: ScanEvent): void;
  /** A file done without being scanned (skipped as not media, or resumed). */
  advance(): void;
  stop(): void;
}

/** Progress bars on stderr: frames of the current file, and files overall. Only on a TTY, never with --quiet. */
export function createScanProgress(options: { totalFiles: number; enabled: boolean }): ScanProgress {
  if (!options.enabled) return { onEvent: () => {}, advance: () => {}, stop: () => {} };
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      format: ' {label} |{bar}| {value}/{total} {unit}',
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const files = multi.create(options.totalFiles, 0, { label: 'files '.padEnd(30), unit: 'files' });
  let frames: cliProgress.SingleBar | undefined;
  const label = (path: string): string => {
    const name = path.length > 30 ? `...${path.slice(-27)}` : path;
    return name.padEnd(30);
  };
  return {
    onEvent(event) {
      switch (event.type) {
        case 'frames-planned':
          frames?.stop();
          if (frames !== undefined) multi.remove(frames);
          frames = multi.create(event.frames ?? 0, 0, { label: label(event.path), unit: 'frames' });
          break;
        case 'frame-done':
          if (frames !== undefined && frames.getTotal() < event.framesDone) frames.setTotal(event.framesDone);
          frames?.update(event.framesDone);
          break;
        case 'file-done':
          files.increment();
          break;
        default:
          break;
      }
    },
    advance() {
      files.increment();
    },
    stop() {
      multi.stop();
    },
  };
}

/**
 * What `ldf scan` and `ldf eval` do with each file's outcome: a file not scanned now (skipped, resumed)
 * moves the files bar on; a file that failed gets its one `ldf: PATH: MESSAGE [CODE]` line (bars stopped
 * first, so the line is not drawn over).
 */
export function outcomeReporter(progress: ScanProgress, say: StderrWriter): (outcome: BatchOutcome) => void {
  return (outcome) => {
    if (outcome.kind !== 'scanned') return progress.advance();
    const error = outcome.result.error;
    if (error === null || say.quiet) return;
    progress.stop();
    say(`${outcome.result.path}: ${error.message} [${error.code}]`);
  };
}
