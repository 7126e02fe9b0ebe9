/**
 * One statement for the same read asked by many requests at once. A statement costs Postgres and
 * the API a fixed amount whatever its rows (a round trip, waking the session, starting the
 * executor): at 50 companies sending offers, that was about a third of an offer's cost
 * (bench/RESULTS.md, intake). An item asked while `inFlight` of its batches are running waits for
 * the next batch and goes out with the others waiting then; with fewer running, it goes out at
 * once, alone, so a quiet API waits for nothing.
 */
export class StatementBatches<I, O> {
  private waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;

  constructor(
    /** The statement for `items`: one answer per item, in their order. */
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly limits: {
      inFlight: number;
      size: number;
      /** Items go out together only with items of their group: the others wait for a later batch. */
      groupOf?: (item: I) => string;
    },
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.running < this.limits.inFlight) this.send();
    });
  }

  private send(): void {
    const batch = this.nextBatch();
    if (batch.length === 0) return;
    this.running++;
    // The items that waited go out before the answered ones carry on.
    const settle = (answer: () => void) => {
      this.running--;
      while (this.running < this.limits.inFlight && this.waiting.length > 0) this.send();
      answer();
    };
    this.run(batch.map((w) => w.item)).then(
      (answers) => settle(() => batch.forEach((w, i) => w.resolve(answers[i]!))),
      (error: unknown) => settle(() => batch.forEach((w) => w.reject(error))),
    );
  }

  /** Up to `size` of the waiting items, all of the first one's group. */
  private nextBatch() {
    const { size, groupOf } = this.limits;
    if (!groupOf) return this.waiting.splice(0, size);
    const group = this.waiting[0] && groupOf(this.waiting[0].item);
    const batch: typeof this.waiting = [];
    const left: typeof this.waiting = [];
    for (const waiting of this.waiting) {
      (batch.length < size && groupOf(waiting.item) === group ? batch : left).push(waiting);
    }
    this.waiting = left;
    return batch;
  }
}
