import { EXIT } from './exit-codes.js';

/**
 * The one way ldf's long commands treat SIGINT (Ctrl-C) and SIGTERM (CI cancellation, pod eviction): the
 * first signal says what happens and aborts `signal`, so the work stops at its next safe point (between
 * frames, after the files in progress, at a checkpoint) and keeps what it finished; a second signal quits
 * at once. exitCode() is then 130 (SIGINT) or 143 (SIGTERM), as shells report a process stopped by it.
 *
 *   const signals = SignalPolicy.install((s) => say(`${signalWord(s)}: stopping after the current frame`));
 *   try { await work(signals.signal); } finally { signals.dispose(); }
 *   process.exitCode = signals.exitCode() ?? codeOfTheWork;
 */
export class SignalPolicy {
  private readonly controller = new AbortController();
  private received: NodeJS.Signals | null = null;
  private readonly listener: (signal: NodeJS.Signals) => void;

  private constructor(
    onFirst: (signal: NodeJS.Signals) => void,
    private readonly signals: readonly NodeJS.Signals[],
    exit: (code: number) => void,
  ) {
    this.listener = (signal) => {
      if (this.controller.signal.aborted) {
        exit(signalExitCode(signal)); // a second signal: at once
        return;
      }
      this.received = signal;
      onFirst(signal);
      this.controller.abort();
    };
    for (const s of signals) process.on(s, this.listener);
  }

  /** Listens for SIGINT and SIGTERM (or `signals`) until dispose(). `exit` is for tests (default process.exit). */
  static install(
    onFirst: (signal: NodeJS.Signals) => void,
    options: { signals?: readonly NodeJS.Signals[]; exit?: (code: number) => void } = {},
  ): SignalPolicy {
    return new SignalPolicy(onFirst, options.signals ?? ['SIGINT', 'SIGTERM'], options.exit ?? ((code) => process.exit(code)));
  }

  /** Aborted by the first signal. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first signal received, or null. */
  get stoppedBy(): NodeJS.Signals | null {
    return this.received;
  }

  /** 130 or 143 once a signal came, else null. */
  exitCode(): number | null {
    return this.received === null ? null : signalExitCode(this.received);
  }

  /** Stops listening. Idempotent. */
  dispose(): void {
    for (const s of this.signals) process.off(s, this.listener);
  }
}

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? EXIT.TERMINATED : EXIT.INTERRUPTED;
}

/** "interrupted" (SIGINT) or "terminated" (SIGTERM and others), for the first signal's message. */
export function signalWord(signal: NodeJS.Signals): string {
  return signal === 'SIGINT' ? 'interrupted' : 'terminated';
}
