import { describe, expect, it } from 'vitest';
import { SignalPolicy, signalExitCode, signalWord } from '../../../src/cli/signal-policy.js';
import { stderrWriter } from '../../../src/cli/stderr-writer.js';

describe('SignalPolicy', () => {
  it('the first signal aborts and is told once; a second one exits at once with 128 + its number', () => {
    const told: NodeJS.Signals[] = [];
    const exits: number[] = [];
    // SIGUSR2 stands in for SIGINT/SIGTERM: the test runner keeps its own handlers for those.
    const policy = SignalPolicy.install((s) => told.push(s), { signals: ['SIGUSR2'], exit: (code) => exits.push(code) });
    try {
      expect(policy.signal.aborted).toBe(false);
      expect(policy.exitCode()).toBeNull();
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(policy.signal.aborted).toBe(true);
      expect(policy.stoppedBy).toBe('SIGUSR2');
      expect(told).toEqual(['SIGUSR2']);
      expect(exits).toEqual([]);
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(told).toEqual(['SIGUSR2']);
      expect(exits).toEqual([130]); // not SIGTERM: counted as an interruption
    } finally {
      policy.dispose();
    }
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('exit codes and words: 130 interrupted (SIGINT), 143 terminated (SIGTERM)', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalWord('SIGINT')).toBe('interrupted');
    expect(signalWord('SIGTERM')).toBe('terminated');
  });
});

describe('stderrWriter', () => {
  it('prefixes each line with "ldf: ", and writes nothing when quiet', () => {
    let out = '';
    const stream = { write: (t: string) => (out += t) };
    stderrWriter(false, stream)('a file: broken [CODE]');
    stderrWriter(true, stream)('never shown');
    expect(out).toBe('ldf: a file: broken [CODE]\n');
    expect(stderrWriter(true, stream).quiet).toBe(true);
  });
});
