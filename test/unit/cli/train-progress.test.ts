import { describe, expect, it } from 'vitest';
import type { TrainRunEvent } from '../../../src/app/run-train.js';
import { createTrainProgress } from '../../../src/cli/train-progress.js';

/** A plain (non-TTY) stream that keeps what was written. */
function logStream(): { write(text: string): boolean; isTTY: boolean; text: string } {
  return {
    isTTY: false,
    text: '',
    write(text: string) {
      this.text += text;
      return true;
    },
  };
}

type Metrics = Extract<TrainRunEvent, { type: 'validation' }>['metrics'];
const metrics = (auc: number | null, eer: number | null): Metrics => ({ auc, eer: eer === null ? null : { rate: eer } }) as unknown as Metrics;
const step = (globalStep: number, step: number, epoch = 0): TrainRunEvent => ({
  type: 'step',
  epoch,
  step,
  globalStep,
  loss: 0.693147,
  accuracy: 0.5,
  imagesPerSecond: 12.345,
  learningRate: 1e-3,
});

describe('createTrainProgress without a TTY (logs, CI)', () => {
  it('writes the start, every 10th step, each validation and the end as plain lines (no ldf: prefix)', () => {
    const stream = logStream();
    const progress = createTrainProgress({ enabled: true, stream });
    const events: TrainRunEvent[] = [
      { type: 'start', trainItems: 40, valItems: 6, stepsPerEpoch: 20, epoch: 0, step: 0, resumed: false, backend: 'wasm' },
      ...Array.from({ length: 20 }, (_, i) => step(i + 1, i + 1)),
      { type: 'checkpoint', globalStep: 20, dir: '/out/checkpoint' },
      { type: 'validation', epoch: 0, metrics: metrics(0.87654, 0.12346), best: true },
      step(21, 1, 1),
      { type: 'validation', epoch: 1, metrics: metrics(null, null), best: false },
      { type: 'done', globalStep: 40, stopped: false, bestEpoch: 0, bestAuc: 0.87654 },
    ];
    for (const e of events) progress.onEvent(e);
    progress.stop();
    expect(stream.text.split('\n')).toEqual([
      'training on 40 faces (20 steps per epoch), validating on 6; backend wasm',
      'epoch 1 step 10: loss 0.6931 acc 0.50 12.3 img/s',
      'epoch 1 step 20: loss 0.6931 acc 0.50 12.3 img/s',
      'epoch 1 validation: AUC 0.8765, EER 0.1235 (best so far: saved)',
      'epoch 2 validation: AUC n/a, EER n/a',
      'done after 40 steps; best epoch 1 (AUC 0.8765)',
      '',
    ]);
  });

  it('says where a resumed run goes on, and a stopped run with no best epoch yet', () => {
    const stream = logStream();
    const progress = createTrainProgress({ enabled: true, stream });
    progress.onEvent({ type: 'start', trainItems: 8, valItems: 2, stepsPerEpoch: 4, epoch: 1, step: 2, resumed: true, backend: 'cpu' });
    progress.onEvent(step(7, 3, 1)); // not a 10th step: no line
    progress.onEvent({ type: 'done', globalStep: 7, stopped: true, bestEpoch: null, bestAuc: null });
    expect(stream.text).toBe(
      'training on 8 faces (4 steps per epoch), validating on 2; backend cpu; resumed at epoch 2 step 2\n' + 'stopped after 7 steps; best epoch none yet\n',
    );
  });

  it('writes nothing when disabled (--quiet)', () => {
    const stream = logStream();
    const progress = createTrainProgress({ enabled: false, stream });
    progress.onEvent({ type: 'start', trainItems: 8, valItems: 2, stepsPerEpoch: 4, epoch: 0, step: 0, resumed: false, backend: 'wasm' });
    progress.onEvent(step(10, 2));
    progress.onEvent({ type: 'done', globalStep: 10, stopped: false, bestEpoch: 0, bestAuc: 0.5 });
    progress.stop();
    expect(stream.text).toBe('');
  });
});

describe('createTrainProgress on a TTY', () => {
  it('draws a bar of the epoch\'s steps between the lines, and starts it again after a line', () => {
    let text = '';
    const stream = { isTTY: true, columns: 200, write: (t: string) => (text += t) };
    const progress = createTrainProgress({ enabled: true, stream });
    progress.onEvent({ type: 'start', trainItems: 4, valItems: 2, stepsPerEpoch: 2, epoch: 0, step: 0, resumed: false, backend: 'wasm' });
    for (let i = 1; i <= 10; i++) progress.onEvent(step(i, ((i - 1) % 2) + 1, Math.floor((i - 1) / 2)));
    progress.stop(); // a line of someone else's (the signal notice): the bar goes
    progress.onEvent({ ...(step(11, 2, 5) as Extract<TrainRunEvent, { type: 'step' }>), loss: 0.25 });
    progress.onEvent({ type: 'validation', epoch: 5, metrics: metrics(0.75, 0.25), best: false });
    progress.onEvent({ type: 'done', globalStep: 11, stopped: true, bestEpoch: 0, bestAuc: 0.8 });
    // eslint-disable-next-line no-control-regex
    const plain = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(plain).toContain('training on 4 faces (2 steps per epoch), validating on 2; backend wasm\n');
    expect(plain).toContain('epoch 1 [');
    expect(plain).toMatch(/epoch 6 \[[^\]]*\] 2\/2 \| loss 0\.2500 acc 0\.50 \| 12\.3 img\/s/); // drawn again after stop()
    expect(plain).not.toContain('step 10:'); // no plain step lines on a TTY
    expect(plain).toContain('epoch 6 validation: AUC 0.7500, EER 0.2500\n');
    expect(plain.endsWith('stopped after 11 steps; best epoch 1 (AUC 0.8000)\n')).toBe(true);
  });
});
