/**
 * CSV for spreadsheets (RFC 4180): fields separated by commas, records by CRLF; a field with a comma,
 * a quote, CR or LF is quoted and its quotes doubled. A cell a spreadsheet would read as a formula
 * (one that starts with = + - @, a tab or CR) gets a leading apostrophe, so a company's name or a
 * juror's reason can never run as a formula on an officer's machine (OWASP "CSV injection").
 */

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: a number stays a number (a negative one included); text that could run is defused. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : FORMULA_START.test(value)
        ? `'${value}`
        : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole table: the header, then one record per row, every record ended by CRLF. */
export function csvTable(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
