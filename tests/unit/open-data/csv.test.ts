import { describe, expect, it } from 'vitest';
import { csvCell, csvTable } from '../../../domain/csv.ts';

describe('CSV exports (RFC 4180, no formula injection)', () => {
  it('quotes a field with a comma, a quote or a line break, doubling its quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('a text cell that a spreadsheet would run as a formula gets a leading apostrophe', () => {
    for (const text of ['=1+1', '+31 20', '-2', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvCell(text).replace(/^"/, '')).toMatch(/^'/);
    }
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  it('numbers, negative ones included, stay numbers; null is an empty cell', () => {
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
  });

  it('ends every record, the header included, with CRLF', () => {
    expect(csvTable(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
  });
});
