import { describe, expect, it } from 'vitest';
import { StatementBatches } from '../../../db/batches.ts';

/** A statement that answers when told to, and remembers which items each run carried. */
function heldStatement() {
  const runs: { items: number[]; answer: () => void; fail: (e: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      runs.push({ items, answer: () => resolve(items.map((i) => `answer to ${i}`)), fail: reject });
    });
  return { runs, run };
}

describe('reads asked at once go out as one statement', () => {
  it('a read asked while the API is quiet goes out at once, alone', async () => {
    const { runs, run } = heldStatement();
    const batches = new StatementBatches(run, { inFlight: 2, size: 10 });
    const first = batches.add(1);
    expect(runs.map((r) => r.items)).toEqual([[1]]);
    runs[0]!.answer();
    expect(await first).toBe('answer to 1');
  });

  it('reads asked while the statements in flight run go out together, each getting its own answer', async () => {
    const { runs, run } = heldStatement();
    const batches = new StatementBatches(run, { inFlight: 2, size: 3 });
    const answers = [1, 2, 3, 4, 5, 6, 7].map((i) => batches.add(i));
    expect(runs.map((r) => r.items)).toEqual([[1], [2]]);
    runs[0]!.answer();
    await answers[0];
    expect(runs.map((r) => r.items)).toEqual([[1], [2], [3, 4, 5]]);
    runs[1]!.answer();
    await answers[1];
    expect(runs.map((r) => r.items)).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
    runs[2]!.answer();
    runs[3]!.answer();
    expect(await Promise.all(answers)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `answer to ${i}`));
  });

  it('a statement that fails fails only the reads it carried; the next ones still go out', async () => {
    const { runs, run } = heldStatement();
    const batches = new StatementBatches(run, { inFlight: 1, size: 10 });
    const alone = batches.add(1);
    const together = [batches.add(2), batches.add(3)];
    runs[0]!.fail(new Error('connection lost'));
    await expect(alone).rejects.toThrow('connection lost');
    expect(runs.map((r) => r.items)).toEqual([[1], [2, 3]]);
    runs[1]!.answer();
    expect(await Promise.all(together)).toEqual(['answer to 2', 'answer to 3']);
  });

  it('items go out together only with items of their group', async () => {
    const runs: { items: string[]; answer: () => void }[] = [];
    const batches = new StatementBatches(
      (items: string[]) =>
        new Promise<string[]>((resolve) => runs.push({ items, answer: () => resolve(items) })),
      // "phase/company": one statement per phase.
      { inFlight: 1, size: 10, groupOf: (item) => item.split('/')[0]! },
    );
    const sent = ['a/1', 'a/2', 'b/1', 'a/1', 'a/3', 'b/2'].map((item) => batches.add(item));
    expect(runs.map((r) => r.items)).toEqual([['a/1']]);
    runs[0]!.answer();
    await sent[0];
    expect(runs.map((r) => r.items)).toEqual([['a/1'], ['a/2', 'a/1', 'a/3']]);
    runs[1]!.answer();
    await sent[1];
    expect(runs.map((r) => r.items)).toEqual([['a/1'], ['a/2', 'a/1', 'a/3'], ['b/1', 'b/2']]);
    runs[2]!.answer();
    expect(await Promise.all(sent)).toEqual(['a/1', 'a/2', 'b/1', 'a/1', 'a/3', 'b/2']);
  });
});
