/** How many times as long as its last run a recompute rests: it then keeps at most a fifth of the time it runs on. */
const REST_FACTOR = 4;

/**
 * The rest of a recompute whose cost grows with the data (the current analytics bin, the wallboard's day): after a
 * run, the next waits four times as long as that one took. On every node it then keeps at most a fifth of one
 * database connection, whatever the size; a quick run rests less than its caller's own delay, which then decides.
 */
export class RestAfterRun {
  private until = 0;

  /** The run that started at `startedAt` (epoch ms) has just ended. */
  ran(startedAt: number): void {
    const now = Date.now();
    this.until = now + REST_FACTOR * (now - startedAt);
  }

  /** Epoch ms before which the next run does not start. */
  get untilMs(): number {
    return this.until;
  }
}
