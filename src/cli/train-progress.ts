import cliProgress from 'cli-progress';
import type { TrainRunEvent } from '../app/run-train.js';

export interface TrainProgress {
  onEvent(event: TrainRunEvent): void;
  /** Stops the bar (before another line on stderr, and at the end); the next step starts it again. */
  stop(): void;
}

export interface TrainProgressOptions {
  /** false (--quiet): nothing at all. */
  enabled: boolean;
  /** Where it goes; default process.stderr (tests give a plain writer). */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** A bar of the epoch's steps instead of a line every 10 steps (needs a terminal stream); default: whether `stream` is a TTY. */
  bar?: boolean;
}

/**
 * `ldf train`'s progress on stderr: a line when training starts, after each epoch's validation and at the
 * end; between them, on a TTY, a bar of the steps in the epoch with loss, accuracy and images/s, and
 * elsewhere (a log file, CI) a line every 10 steps.
 */
export function createTrainProgress(options: TrainProgressOptions): TrainProgress {
  if (!options.enabled) return { onEvent: () => {}, stop: () => {} };
  const stream = options.stream ?? process.stderr;
  const bar =
    (options.bar ?? stream.isTTY === true)
      ? new cliProgress.SingleBar(
          { format: 'epoch {epoch} [{bar}] {value}/{total} | loss {loss} acc {acc} | {ips} img/s', stream: stream as NodeJS.WritableStream, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  let total = 0;
  const say = (line: string): void => {
    if (bar?.isActive === true) bar.stop();
    stream.write(`${line}\n`);
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'start':
          total = e.stepsPerEpoch;
          say(`training on ${e.trainItems} faces (${e.stepsPerEpoch} steps per epoch), validating on ${e.valItems}; backend ${e.backend}${e.resumed ? `; resumed at epoch ${e.epoch + 1} step ${e.step}` : ''}`);
          bar?.start(total, e.step, { epoch: e.epoch + 1, loss: '-', acc: '-', ips: '-' });
          break;
        case 'step': {
          const values = { epoch: e.epoch + 1, loss: e.loss.toFixed(4), acc: e.accuracy.toFixed(2), ips: e.imagesPerSecond.toFixed(1) };
          if (bar === undefined) {
            if (e.globalStep % 10 === 0) say(`epoch ${values.epoch} step ${e.step}: loss ${values.loss} acc ${values.acc} ${values.ips} img/s`);
          } else if (bar.isActive && e.step !== 1) bar.update(e.step, values);
          else bar.start(total, e.step, values);
          break;
        }
        case 'validation':
          say(`epoch ${e.epoch + 1} validation: AUC ${e.metrics.auc?.toFixed(4) ?? 'n/a'}, EER ${e.metrics.eer?.rate.toFixed(4) ?? 'n/a'}${e.best ? ' (best so far: saved)' : ''}`);
          break;
        case 'done':
          say(`${e.stopped ? 'stopped' : 'done'} after ${e.globalStep} steps; best epoch ${e.bestEpoch === null ? 'none yet' : e.bestEpoch + 1}${e.bestAuc === null ? '' : ` (AUC ${e.bestAuc.toFixed(4)})`}`);
          break;
        default:
          break;
      }
    },
    stop() {
      if (bar?.isActive === true) bar.stop();
    },
  };
}
