import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  characterLength,
  firstInvalidUtf8Byte,
  isWellFormed,
  ownValue,
  partyId,
  text,
  utf8Length,
} from '../../../domain/text.ts';

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((i) => i.message) ?? [];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
/** Well-formed strings of any code point, astral ones included. */
const wellFormed = fc.string({ unit: 'binary', maxLength: 40 });

describe('the text rule', () => {
  const free = text({ max: 50 });

  it('refuses a NUL anywhere, saying so without echoing the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (before, after) => {
        const result = free.safeParse(`${before}\u0000${after}`);
        expect(result.success).toBe(false);
        expect(messages(result).join()).toMatch(/NUL|surrogate|control/);
      }),
    );
    expect(messages(free.safeParse('a\u0000b'))).toEqual(['contains a NUL character (U+0000)']);
  });

  it('refuses a lone surrogate, high or low, at the start, middle or end', () => {
    fc.assert(
      fc.property(wellFormed, loneSurrogate, wellFormed, (before, half, after) => {
        const value = `${before}${half}${after}`;
        fc.pre(!isWellFormed(value));
        expect(messages(free.safeParse(value))).toEqual([
          'contains a lone surrogate: the text is not valid Unicode',
        ]);
      }),
    );
  });

  it('accepts an emoji, which is a surrogate pair, and counts it as one character', () => {
    expect(text({ max: 3 }).parse('🌉🌉🌉')).toBe('🌉🌉🌉');
    expect(messages(text({ max: 3 }).safeParse('🌉🌉🌉🌉'))).toEqual(['must be at most 3 characters']);
  });

  it('refuses C0 controls but tab, line feed and carriage return, and DEL and C1 controls, in free text', () => {
    for (let code = 1; code <= 0x9f; code++) {
      const allowed = code === 9 || code === 10 || code === 13 || (code >= 0x20 && code < 0x7f);
      const result = text({ max: 10, trim: false }).safeParse(`a${String.fromCharCode(code)}b`);
      expect(result.success, `U+${code.toString(16).padStart(4, '0')}`).toBe(allowed);
    }
  });

  it('keeps a one-line field to one line: no tab, line feed or carriage return', () => {
    const title = text({ max: 20, singleLine: true });
    for (const value of ['a\tb', 'a\nb', 'a\rb']) expect(title.safeParse(value).success).toBe(false);
    expect(title.parse('Quiet bridges')).toBe('Quiet bridges');
  });

  it('trims by default and checks the minimum on the trimmed text; trim: false keeps every byte', () => {
    expect(text({ min: 3, max: 10 }).parse('  abc \n')).toBe('abc');
    expect(text({ min: 3, max: 10 }).safeParse('  ab  ').success).toBe(false);
    expect(text({ max: 10, trim: false }).parse('  abc \n')).toBe('  abc \n');
    expect(messages(text({ min: 3, max: 10, tooShort: 'a reason, please' }).safeParse('a'))).toEqual([
      'a reason, please: at least 3 characters',
    ]);
  });

  it('counts characters as Postgres does (code points), never UTF-16 units', () => {
    fc.assert(
      fc.property(wellFormed, (value) => {
        expect(characterLength(value)).toBe([...value].length);
      }),
    );
    const accented = 'é'.repeat(200);
    expect(text({ max: 200 }).parse(accented)).toBe(accented);
  });

  it('counts UTF-8 bytes when asked, as the bytes a receipt hashes', () => {
    fc.assert(
      fc.property(wellFormed, (value) => {
        expect(utf8Length(value)).toBe(new TextEncoder().encode(value).length);
      }),
    );
    const bytes = text({ min: 1, max: 6, unit: 'utf8-bytes', trim: false });
    expect(bytes.parse('ééé')).toBe('ééé');
    expect(messages(bytes.safeParse('éééé'))).toEqual(['must be at most 6 bytes of UTF-8']);
    expect(bytes.safeParse('🌉').success).toBe(true);
    expect(bytes.safeParse('🌉🌉').success).toBe(false);
  });

  it('accepts any well-formed text without controls, unchanged when not trimmed', () => {
    const isControl = (c: string) => {
      const code = c.codePointAt(0)!;
      return (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || (code >= 0x7f && code <= 0x9f);
    };
    const printable = wellFormed.filter((value) => ![...value].some(isControl));
    fc.assert(
      fc.property(printable, (value) => {
        expect(text({ max: 1000, trim: false }).parse(value)).toBe(value);
      }),
    );
  });

  it('documents its lengths in the JSON Schema, so the OpenAPI document states them', () => {
    expect(text({ min: 3, max: 200 }).toJSONSchema()).toMatchObject({ minLength: 3, maxLength: 200 });
  });
});

describe('UTF-8 validation', () => {
  it('finds an invalid byte exactly when the strict decoder refuses the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        let decodes = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          decodes = false;
        }
        expect(firstInvalidUtf8Byte(bytes) === -1).toBe(decodes);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the offset of the first bad byte after valid text', () => {
    const prefix = new TextEncoder().encode('{"content": "café ');
    const cases: [string, number[]][] = [
      ['a Latin-1 é', [0xe9, 0x20]],
      ['a UTF-16 surrogate written as UTF-8', [0xed, 0xa0, 0x80]],
      ['an overlong slash', [0xc0, 0xaf]],
      ['a character cut short', [0xe2, 0x82]],
      ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
      ['a lone continuation byte', [0x80]],
    ];
    for (const [what, bad] of cases) {
      expect(firstInvalidUtf8Byte(new Uint8Array([...prefix, ...bad])), what).toBe(prefix.length);
    }
    expect(firstInvalidUtf8Byte(new TextEncoder().encode('€ 橋 🌉'))).toBe(-1);
  });
});

describe('party ids', () => {
  it('take the ids tokens and OpenID Connect claims give', () => {
    for (const id of ['juror-1', 'company-01', 'auth0|5f7c', 'jan.de.vries@gemeente.nl', 'Ærø_2']) {
      expect(partyId().safeParse(id).success, id).toBe(true);
    }
  });

  it('refuse NUL, controls, spaces, direction overrides, markup and more than 200 characters', () => {
    for (const id of ['', 'a\u0000', 'a\u001b[2J', 'a b', '\u202eevil', '<script>', '-x', 'x'.repeat(201)]) {
      expect(partyId().safeParse(id).success, JSON.stringify(id)).toBe(false);
    }
  });
});

describe('look-ups by id', () => {
  const registry: Record<string, number> = { sbir: 1 };

  it('never answer from Object.prototype', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(ownValue(registry, name), name).toBeUndefined();
    }
    expect(ownValue(registry, 'sbir')).toBe(1);
  });

  it('find an own key named like a prototype property', () => {
    const record = JSON.parse('{"constructor": 2, "__proto__": 3}') as Record<string, number>;
    expect(ownValue(record, 'constructor')).toBe(2);
    expect(ownValue(record, '__proto__')).toBe(3);
  });
});
