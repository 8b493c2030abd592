/**
 * Active time on a document: the time between consecutive user actions counts only when
 * the gap is short, so a coffee break (or a tab left open overnight) is left out. Owners
 * compare these figures per annotator to see whether suggestions make work faster.
 */
export const IDLE_MS = 60_000;

export class ActiveTimer {
  private last: number | null = null;
  private totalMs = 0;
  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly idleMs = IDLE_MS,
    startSeconds = 0,
  ) {
    this.totalMs = startSeconds * 1000;
  }

  /** Any keystroke, click or scroll. */
  touch(): void {
    const t = this.now();
    if (this.last !== null) {
      const gap = t - this.last;
      if (gap > 0 && gap <= this.idleMs) this.totalMs += gap;
    }
    this.last = t;
  }

  /** Whole seconds of activity so far. */
  get seconds(): number {
    return Math.round(this.totalMs / 1000);
  }
}
