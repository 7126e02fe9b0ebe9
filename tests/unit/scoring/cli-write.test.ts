import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForTerminal, jsonForTerminal, MadeInStretches, writeJson } from '../../../runtime/cli.ts';

/*
 * `phasegate rank` writes its output in pieces, explaining the offers a stretch at a time, so that the
 * explanations of a large gate never all exist at once. Whoever compares a printed ranking with cmp
 * must still get exactly the bytes of the whole ranking stringified at once.
 */

/** JSON.stringify(value, null, 2) with each layout line escaped for a terminal: what the CLI promises. */
const whole = (value: unknown) =>
  JSON.stringify(value, null, 2).split('\n').map(escapeForTerminal).join('\n');

const written = (value: unknown) => {
  let text = '';
  writeJson(value, (piece) => (text += piece));
  return text;
};

const rows = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ offerId: `o${i}`, scores: [i, i / 3], note: undefined }));

describe('JSON written in pieces', () => {
  it('is byte for byte JSON.stringify of the whole, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expect(jsonForTerminal(value).toString('utf8')).toBe(whole(value));
      }),
    );
  });

  it('is byte for byte JSON.stringify of the whole for arrays longer than a stretch, at the top and in a field', () => {
    for (const count of [0, 1, 63, 64, 65, 129, 300]) {
      const value = {
        method: 'relative',
        empty: {},
        none: [],
        offers: rows(count),
        skipped: undefined,
        callback: () => 1,
        tail: { selected: ['o1', 'o2'] },
      };
      expect(written(value)).toBe(JSON.stringify(value, null, 2));
      expect(written(rows(count))).toBe(JSON.stringify(rows(count), null, 2));
    }
    expect(written([undefined, () => 1, 'x'])).toBe(JSON.stringify([undefined, () => 1, 'x'], null, 2));
    expect(written({})).toBe('{}');
    expect(written('a "quoted" line\n')).toBe(JSON.stringify('a "quoted" line\n'));
  });

  it('makes the offers a stretch at a time, each written before the next is made', () => {
    const events: string[] = [];
    const offers = new MadeInStretches(150, (from, to) => {
      events.push(`make ${from}-${to}`);
      return rows(150).slice(from, to);
    });
    let text = '';
    writeJson({ priceMethod: 'none', offers, needsConsensus: [] }, (piece) => {
      if (piece.includes('"offerId"')) events.push('write');
      text += piece;
    });
    expect(text).toBe(
      JSON.stringify({ priceMethod: 'none', offers: rows(150), needsConsensus: [] }, null, 2),
    );
    expect(events).toEqual(['make 0-64', 'write', 'make 64-128', 'write', 'make 128-150', 'write']);
  });

  it('escapes a terminal control in one piece as the whole would be escaped', () => {
    const value = { offers: [...rows(100), { offerId: 'o\u001b[2J\u202e' }], company: 'A\u0085B' };
    expect(jsonForTerminal(value).toString('utf8')).toBe(whole(value));
    expect(jsonForTerminal(value).toString('utf8')).toContain('"o\\u001b[2J\\u202e"');
  });
});
