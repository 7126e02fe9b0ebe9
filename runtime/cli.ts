import { createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AuditExportSchema, verifyAuditExport } from '../domain/audit-proof.ts';
import { checkpointBytes, receiptBytes, ReceiptSchema } from '../domain/proofs.ts';
import type { RankInputDraft } from '../scoring/index.ts';
import {
  decideWithReliability,
  explainAround,
  explainOffers,
  rankInputJsonSchema,
  ScoringError,
} from '../scoring/index.ts';

const USAGE = `usage:
  phasegate rank [<input.json> | -]   rank the offers at a gate (reads stdin without a file or with -),
                                      with the jury's reliability report under "reliability"
  phasegate schema rank-input         print the JSON Schema of a rank input
  phasegate verify-audit <export.json> --public-key <key.pem>
                                      check an exported audit log (GET /competitions/{id}/audit)
                                      offline: exit 0 when it holds, 1 when it was tampered with
  phasegate verify-receipt <receipt.json> --public-key <key.pem>
                                      check a submission receipt and the audit checkpoint it carries
`;

/** Exit status of verify-audit for a record that does not hold. */
const EXIT_TAMPERED = 1;

/** Exit status for input the command cannot use: bad arguments, unreadable or invalid input. */
const EXIT_BAD_INPUT = 2;

/**
 * Characters that move the cursor, recolour or clear the terminal, or reorder or break the line a
 * reader sees: C0 controls (ESC among them), DEL, C1 controls, U+2028/2029, and the bidi marks,
 * embeddings, overrides and isolates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The same, but for the line feed: in JSON text the only raw line feeds are the layout's own. */
const UNSAFE_IN_JSON_TEXT =
  // eslint-disable-next-line no-control-regex -- as above
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/**
 * Text from the input (ids, names, file names, parser messages) made safe to print on a terminal:
 * each unsafe character becomes its JSON-style escape (\n, \u001b, \u202e), so an id cannot forge a
 * line of output or hide what it is. Everything else, backslashes included, is left as it is, so
 * escaping twice changes nothing and JSON text stays JSON with the same value.
 */
export const escapeForTerminal = (text: string): string => escapeAll(text, TERMINAL_UNSAFE);

function escapeAll(text: string, unsafe: RegExp): string {
  return text.replace(
    unsafe,
    (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Runs one command and returns the exit status; the caller sets it, so piped output is flushed. */
export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'rank':
      return rest.length <= 1 ? rankCommand(rest[0]) : usageError('rank takes at most one input file');
    case 'verify-audit':
      return verifyAuditCommand(rest);
    case 'verify-receipt':
      return verifyReceiptCommand(rest);
    case 'schema':
      if (rest.length === 1 && rest[0] === 'rank-input') {
        process.stdout.write(`${JSON.stringify(rankInputJsonSchema(), null, 2)}\n`);
        return 0;
      }
      return usageError('the only schema is rank-input');
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      return usageError(command === undefined ? 'no command given' : `unknown command ${command}`);
  }
}

async function rankCommand(file: string | undefined): Promise<number> {
  // Without any argument at a terminal the user most likely forgot the file; an explicit - may be typed.
  if (file === undefined && process.stdin.isTTY) return usageError('give an input file, or pipe the input');
  const read = await readInput(file === '-' ? undefined : file);
  if (typeof read === 'number') return read;
  let decided;
  try {
    decided = decideWithReliability(read.input as RankInputDraft);
  } catch (error) {
    // Ranking reports schema failures as ScoringError 'invalid-input'; anything else is a bug and
    // keeps its stack trace.
    if (error instanceof ScoringError) return fail(...scoringErrorLines(error));
    throw error;
  }
  writeRanking(decided, (bytes) => process.stdout.write(bytes));
  return 0;
}

/**
 * The ranking with the jury's reliability report beside it under `reliability`, as `phasegate rank`
 * prints it, in pieces to `write`: the offers are explained a stretch at a time as they are written
 * (explainOffers), so their explanations never all exist at once.
 */
export function writeRanking(
  { findings, reliability }: ReturnType<typeof decideWithReliability>,
  write: (bytes: Buffer) => void,
): void {
  const offers = new MadeInStretches(findings.ordering.order.length, (from, to) =>
    explainOffers(findings, from, to),
  );
  writeJsonLine({ ...explainAround(findings, offers), reliability }, write);
}

/**
 * The input file (stdin without one) parsed as JSON, or the exit status of the failure. The text is
 * let go on return, so it is not held through the ranking and the output.
 */
async function readInput(file: string | undefined): Promise<{ input: unknown } | number> {
  const source = file ?? 'stdin';
  let text: string;
  try {
    text = file === undefined ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    return fail(`cannot read ${source}: ${(error as Error).message}`);
  }
  try {
    return { input: JSON.parse(text) };
  } catch (error) {
    return fail(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The value as JSON text in UTF-8, safe for a terminal: `JSON.stringify(value, null, 2)` with the
 * characters a terminal would act on escaped. JSON.stringify escapes the C0 controls inside strings,
 * so the only raw line breaks are the layout's own; the characters it leaves raw (C1 controls,
 * U+2028/2029, bidi controls) become \u escapes that JSON reads back as the same characters.
 */
export function jsonForTerminal(value: unknown): Buffer {
  const pieces: Buffer[] = [];
  writeJson(value, (text) => pieces.push(bytesForTerminal(text)));
  return Buffer.concat(pieces);
}

/** Prints the value as jsonForTerminal has it, on a line of its own, piece by piece (see writeJson). */
function printJson(value: unknown): void {
  writeJsonLine(value, (bytes) => process.stdout.write(bytes));
}

function writeJsonLine(value: unknown, write: (bytes: Buffer) => void): void {
  writeJson(value, (text) => write(bytesForTerminal(text)));
  write(Buffer.from('\n'));
}

/**
 * JSON text in UTF-8 with the escapes of jsonForTerminal. Most text holds no character to escape,
 * which a search of the encoded bytes finds out faster than a pass over the text: then those bytes
 * are the answer. The escape goes character by character, so text escaped in pieces is the text
 * escaped whole.
 */
function bytesForTerminal(json: string): Buffer {
  const bytes = Buffer.from(json);
  return holdsUnsafeCharacter(bytes) ? Buffer.from(escapeAll(json, UNSAFE_IN_JSON_TEXT)) : bytes;
}

/** An array whose elements are made a stretch at a time, as writeJson writes them. */
export class MadeInStretches<T> {
  constructor(
    readonly length: number,
    readonly make: (from: number, to: number) => T[],
  ) {}
}

type Stretchable = readonly unknown[] | MadeInStretches<unknown>;

const isStretchable = (value: unknown): value is Stretchable =>
  Array.isArray(value) || value instanceof MadeInStretches;

/** Elements of an array stringified at a time: enough to keep JSON.stringify at its pace. */
const STRETCH = 64;

/**
 * Writes `JSON.stringify(value, null, 2)`, byte for byte, in pieces: the fields of an object at the
 * top one at a time, and an array (at the top, or in one of those fields) a stretch of elements at a
 * time. So no string of the whole text exists (71.6 MiB for 10,000 offers), and the elements of a MadeInStretches
 * array are made as they are written and let go after. Each piece is stringified nested in arrays as
 * deep as it sits, so that JSON.stringify indents it as in the whole, and the brackets around it are
 * cut off. For plain data (no toJSON), as the CLI prints.
 */
export function writeJson(value: unknown, write: (text: string) => void): void {
  if (isStretchable(value)) {
    write(arrayInStretches(value, 0, write));
  } else if (typeof value === 'object' && value !== null) {
    write(objectInPieces(value, write));
  } else {
    write(JSON.stringify(value, null, 2));
  }
}

/** The object at the top, written but for its end, which is returned. */
function objectInPieces(value: object, write: (text: string) => void): string {
  const fields = Object.entries(value).filter(([, field]) => !leftOutOfJson(field));
  if (fields.length === 0) return '{}';
  write('{');
  fields.forEach(([key, field], index) => {
    const name = `${index > 0 ? ',' : ''}\n  ${JSON.stringify(key)}: `;
    if (isStretchable(field)) {
      write(name);
      write(arrayInStretches(field, 1, write));
    } else {
      // Nested in an array to be indented as a field: "[\n  " before it, "\n]" after it.
      write(`${name}${JSON.stringify([field], null, 2).slice(4, -2)}`);
    }
  });
  return '\n}';
}

/**
 * The array at `depth` (0 at the top, 1 in a field of the top object), written a stretch at a time but
 * for its end, which is returned. A stretch is stringified nested in `depth` more arrays; what comes
 * before its first element and after its last is cut off.
 */
function arrayInStretches(array: Stretchable, depth: 0 | 1, write: (text: string) => void): string {
  if (array.length === 0) return '[]';
  // "[", or "[\n  [" one deeper, before the elements; "\n]", or "\n  ]\n]", after them.
  const [before, after] = depth === 0 ? [1, 2] : [5, 6];
  for (let from = 0; from < array.length; from += STRETCH) {
    const to = Math.min(from + STRETCH, array.length);
    const stretch = array instanceof MadeInStretches ? array.make(from, to) : array.slice(from, to);
    const text = JSON.stringify(depth === 0 ? stretch : [stretch], null, 2);
    write(`${from === 0 ? '[' : ','}${text.slice(before, -after)}`);
  }
  return depth === 0 ? '\n]' : '\n  ]';
}

/** What JSON.stringify leaves out of an object. */
const leftOutOfJson = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * UTF-8 lead bytes of the characters that UNSAFE_IN_JSON_TEXT matches and JSON.stringify leaves raw,
 * with the test of the bytes after them: DEL (7f), the C1 controls (c2 80-9f), U+061C (d8 9c), and
 * U+200E/F, U+2028-202E, U+2066-2069 (e2 80 8e-8f, e2 80 a8-ae, e2 81 a6-a9). A lead byte never
 * occurs inside another character's encoding, so each one found starts a character.
 */
const UNSAFE_UTF8: ReadonlyArray<readonly [number, (bytes: Buffer, at: number) => boolean]> = [
  [0x7f, () => true],
  [0xc2, (bytes, at) => bytes[at + 1]! <= 0x9f],
  [0xd8, (bytes, at) => bytes[at + 1] === 0x9c],
  [
    0xe2,
    (bytes, at) => {
      const [second, third] = [bytes[at + 1]!, bytes[at + 2]!];
      if (second === 0x80) return third === 0x8e || third === 0x8f || (third >= 0xa8 && third <= 0xae);
      return second === 0x81 && third >= 0xa6 && third <= 0xa9;
    },
  ],
];

/** Whether UTF-8 JSON text holds a character the terminal escape would change: a byte search, no decoding. */
function holdsUnsafeCharacter(bytes: Buffer): boolean {
  return UNSAFE_UTF8.some(([lead, isUnsafe]) => {
    for (let at = bytes.indexOf(lead); at >= 0; at = bytes.indexOf(lead, at + 1)) {
      if (isUnsafe(bytes, at)) return true;
    }
    return false;
  });
}

/**
 * A ScoringError's message is one line, with ids in it. The one exception, the schema's report, is
 * rebuilt from its issues, one line per message and per JSON path (offers[3].price), so that no
 * character of the input can start a line of its own.
 */
function scoringErrorLines(error: ScoringError): string[] {
  if (!(error.cause instanceof z.ZodError)) return [`${error.code}: ${error.message}`];
  const [heading = ''] = error.message.split('\n', 1);
  const issues = [...error.cause.issues].sort((a, b) => a.path.length - b.path.length);
  return [
    `${error.code}: ${heading}`,
    ...issues.flatMap((issue) => [
      `✖ ${issue.message}`,
      ...(issue.path.length > 0 ? [`  → at ${z.core.toDotPath(issue.path)}`] : []),
    ]),
  ];
}

/** The one file and the `--public-key` file a verify command takes, read; or the exit status of a usage error. */
async function fileAndKey(command: string, args: readonly string[]) {
  const keyAt = args.indexOf('--public-key');
  const keyFile = keyAt >= 0 ? args[keyAt + 1] : undefined;
  const files = args.filter((_, i) => i !== keyAt && i !== keyAt + 1);
  if (!keyFile || files.length !== 1) return usageError(`${command} takes one file and --public-key`);
  try {
    const key = createPublicKey(await readFile(keyFile, 'utf8'));
    if (key.asymmetricKeyType !== 'ed25519') return fail(`${keyFile} is not an Ed25519 public key`);
    return { key, file: files[0]!, json: JSON.parse(await readFile(files[0]!, 'utf8')) as unknown };
  } catch (error) {
    return fail(`cannot read the file or the key: ${(error as Error).message}`);
  }
}

async function verifyAuditCommand(args: readonly string[]): Promise<number> {
  const input = await fileAndKey('verify-audit', args);
  if (typeof input === 'number') return input;
  const doc = AuditExportSchema.safeParse(input.json);
  if (!doc.success) return fail(`${input.file} is not an audit export: ${z.prettifyError(doc.error)}`);
  const result = verifyAuditExport(doc.data, input.key);
  printJson(result);
  return result.valid ? 0 : EXIT_TAMPERED;
}

/** A company's own proof: its receipt's signature, and that of the checkpoint the receipt carries. */
async function verifyReceiptCommand(args: readonly string[]): Promise<number> {
  const input = await fileAndKey('verify-receipt', args);
  if (typeof input === 'number') return input;
  // The receipt alone, or an offer answer that holds it.
  const candidate = (input.json as { receipt?: unknown })?.receipt ?? input.json;
  const receipt = ReceiptSchema.safeParse(candidate);
  if (!receipt.success) return fail(`${input.file} holds no receipt: ${z.prettifyError(receipt.error)}`);
  const r = receipt.data;
  const signed = (bytes: Buffer, signature: string) =>
    verify(null, bytes, input.key, Buffer.from(signature, 'base64'));
  const result = {
    receipt: signed(receiptBytes(r), r.signature),
    checkpoint: r.checkpoint
      ? signed(checkpointBytes(r.checkpoint), r.checkpoint.signature) &&
        r.checkpoint.competitionId === r.competitionId
      : null,
  };
  printJson({ valid: result.receipt && result.checkpoint !== false, ...result });
  return result.receipt && result.checkpoint !== false ? 0 : EXIT_TAMPERED;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function usageError(problem: string): number {
  process.stderr.write(`phasegate: ${escapeForTerminal(problem)}\n${USAGE}`);
  return EXIT_BAD_INPUT;
}

/** Writes an error, one line per entry; each entry is escaped, as any of them may quote the input. */
function fail(...lines: string[]): number {
  process.stderr.write(`phasegate: ${lines.map(escapeForTerminal).join('\n')}\n`);
  return EXIT_BAD_INPUT;
}
