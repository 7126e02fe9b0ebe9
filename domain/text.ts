/**
 * One gate for text: every text field and id that comes in from outside passes these rules before
 * any layer (SQL, workflow, receipt hash, audit log) sees it.
 *
 * - Text is well-formed Unicode: no lone surrogates. JSON can spell one (`"\ud800"`), a JavaScript
 *   string can hold one, but UTF-8 cannot: Postgres would refuse it, and `Buffer.from(s, 'utf8')`
 *   would silently turn it into U+FFFD, so a receipt would hash other bytes than were sent.
 * - No NUL (U+0000): Postgres `text` cannot store it. No other C0 control but tab, line feed and
 *   carriage return, and no DEL or C1 control (U+007F–U+009F, where terminal escapes such as CSI live).
 *   One-line fields (titles, names) refuse tab, line feed and carriage return too.
 * - Lengths count what is stored. Postgres stores `text` as UTF-8 and its `char_length` and
 *   `varchar(n)` count characters (code points), so free text is limited in characters, never in
 *   JavaScript's UTF-16 code units (where one emoji counts two). Content stored as bytes (an offer is
 *   sealed as `bytea`) is limited in UTF-8 bytes instead (`unit: 'utf8-bytes'`).
 * - Ids follow a conservative pattern that leaves no room for control characters, spaces or markup.
 *
 * Pure: no I/O and no Node-only globals, so workflow code may import it.
 */
import { z } from 'zod';

export type LengthUnit = 'characters' | 'utf8-bytes';

export interface TextRule {
  /** Shortest allowed length (after trimming, when trimmed), in `unit`. Default 0. */
  min?: number;
  /** Longest allowed length, in `unit`. */
  max: number;
  /** What the lengths count; default characters (Unicode code points), as Postgres counts `text`. */
  unit?: LengthUnit;
  /** Trim leading and trailing white space before the length is checked and the value stored. Default true. */
  trim?: boolean;
  /** Refuse tab, line feed and carriage return as well (titles, names). Default false. */
  singleLine?: boolean;
  /**
   * What the rule is for, said when the text is shorter than `min` ("every score needs a written
   * reason"); the message goes on to state the rule (": at least 3 characters").
   */
  tooShort?: string;
}

const LONE_SURROGATE = /\p{Cs}/u;
/* eslint-disable no-control-regex -- finding control characters is what these are for */
/** C0 controls but NUL, tab, line feed and carriage return; DEL; C1 controls. */
const CONTROL_IN_FREE_TEXT = /[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
const CONTROL_IN_ONE_LINE = /[\x01-\x1f\x7f-\x9f]/;
/* eslint-enable no-control-regex */

/** Well-formed Unicode: every surrogate is half of a pair. */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);

/** Unicode code points, as Postgres's `char_length` counts a UTF-8 `text`. Lone surrogates count one each. */
export function characterLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** Bytes of the UTF-8 encoding of a well-formed string (what Postgres stores, what a receipt hashes). */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const measure = (value: string, unit: LengthUnit) =>
  unit === 'utf8-bytes' ? utf8Length(value) : characterLength(value);

const unitName = (unit: LengthUnit) => (unit === 'utf8-bytes' ? 'bytes of UTF-8' : 'characters');

/**
 * A text field: well-formed Unicode without NUL or control characters, its length checked in what
 * is stored. The messages never echo the value.
 */
export function text(rule: TextRule) {
  const { min = 0, max, unit = 'characters', trim = true, singleLine = false } = rule;
  const controls = singleLine ? CONTROL_IN_ONE_LINE : CONTROL_IN_FREE_TEXT;
  const base = z
    .string()
    .refine(isWellFormed, {
      message: 'contains a lone surrogate: the text is not valid Unicode',
      abort: true,
    })
    .refine((value) => !value.includes('\0'), { message: 'contains a NUL character (U+0000)', abort: true })
    .refine((value) => !controls.test(value), {
      message: singleLine
        ? 'contains a control character or a line break; this field is one line of text'
        : 'contains a control character (only tab, line feed and carriage return are allowed)',
      abort: true,
    });
  const trimmed = trim ? base.trim() : base;
  return trimmed
    .refine((value) => measure(value, unit) >= min, {
      message: rule.tooShort
        ? `${rule.tooShort}: at least ${min} ${unitName(unit)}`
        : `must be at least ${min} ${unitName(unit)}`,
      abort: true,
    })
    .refine((value) => measure(value, unit) <= max, { message: `must be at most ${max} ${unitName(unit)}` })
    .meta({
      description: `${min}–${max} ${unitName(unit)}; no NUL, lone surrogate or control character`,
      // JSON Schema counts lengths in code points, as `characters` does.
      ...(unit === 'characters' ? { minLength: min, maxLength: max } : {}),
    });
}

/**
 * Who acts (a company, an officer, a juror), as bearer tokens and OpenID Connect claims name them:
 * letters and digits, then also `. _ : @ + | -`; at most 200 characters.
 */
export const PARTY_ID_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._:@+|-]*$/u;

/** The id of a party (a juror, a company) as a request names it. */
export function partyId() {
  return z
    .string()
    .max(200, 'must be at most 200 characters')
    .regex(PARTY_ID_PATTERN, 'letters, digits and . _ : @ + | - only, starting with a letter or digit');
}

/** A UTF-8 lead byte's sequence length and the range its second byte must lie in (RFC 3629). */
function utf8Sequence(lead: number): [length: number, low: number, high: number] {
  if (lead < 0x80) return [1, 0, 0];
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf]; // no overlong forms
  if (lead === 0xed) return [3, 0x80, 0x9f]; // no UTF-16 surrogates
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf]; // no overlong forms
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f]; // nothing above U+10FFFF
  return [0, 0, 0];
}

/**
 * The offset of the first byte that does not start or continue a well-formed UTF-8 character, or
 * -1 when all of them do (exactly when `new TextDecoder('utf-8', { fatal: true })` accepts them). It
 * names the place in a refusal; the decoder remains the gate.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const [length, low, high] = utf8Sequence(bytes[i]!);
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return i;
    }
    i += length;
  }
  return -1;
}

/**
 * The value a record holds under `key` as its own property: never one inherited from
 * `Object.prototype`, whatever the key (`constructor`, `__proto__`, `toString`, ...).
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
