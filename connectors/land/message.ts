import { rees46Columns, validateRees46Row, type Rees46RejectCode, type Rees46Row } from '../rees46.js';

/**
 * One Kafka message's value → a REES46 row, or the reason it cannot be one. Two formats:
 * a JSON object with the nine REES46 fields (ids as strings or numbers; see below), and a REES46
 * CSV line (`2019-10-01 00:00:00 UTC,view,44600062,…`, RFC 4180 quoting). The row checks are the
 * shared ones (`validateRees46Row`), so the lake gets exactly what `kohort import` would accept.
 */
export type MessageFormat = 'json' | 'csv' | 'auto';

/** Why a message went to the dead-letter set: the validator's codes plus the message-level ones. */
export type LandRejectCode = Rees46RejectCode | 'empty-message' | 'not-json' | 'not-an-object' | 'bad-quoting';

export interface LandReject {
  code: LandRejectCode;
  /** `code: message`, as in `kohort import`'s rejects file. */
  reason: string;
}

export type Parsed = { ok: true; row: Rees46Row } | { ok: false; reject: LandReject };

const columnNames = rees46Columns.map((c) => c.name);

/** Parses and checks one message value. `auto`: a value starting with `{` is JSON, anything else CSV. */
export function parseMessage(value: Buffer | null, format: MessageFormat): Parsed {
  if (value === null || value.length === 0) return reject('empty-message', 'the message has no value');
  const text = value.toString('utf8');
  const json = format === 'json' || (format === 'auto' && text.trimStart().startsWith('{'));
  let record: Record<string, unknown>;
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(quoteLongIntegers(text));
    } catch (e) {
      return reject('not-json', `not JSON: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return reject('not-an-object', 'the JSON is not an object with the REES46 fields');
    }
    record = parsed as Record<string, unknown>;
  } else {
    const fields = splitCsvLine(text.endsWith('\n') ? text.replace(/\r?\n$/, '') : text);
    if (fields === null) return reject('bad-quoting', 'a quote (") does not open or close a whole field');
    if (fields.length !== columnNames.length) {
      return reject('wrong-column-count', `expected ${columnNames.length} comma-separated fields, found ${fields.length}`);
    }
    record = {};
    for (let i = 0; i < fields.length; i++) record[columnNames[i]!] = fields[i];
  }
  const checked = validateRees46Row(record);
  if (checked.ok) return checked;
  return reject(checked.reject.code, checked.reject.message);
}

function reject(code: LandRejectCode, message: string): Parsed {
  return { ok: false, reject: { code, reason: `${code}: ${message}` } };
}

/**
 * Splits one CSV line into fields (RFC 4180: `"…"` fields with `""` for a quote). Null when a quote
 * does not open or close a whole field.
 */
export function splitCsvLine(line: string): string[] | null {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i === line.length) return out;
      if (line[i] !== ',') return null;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"')) return null;
      out.push(value);
      if (comma < 0) return out;
      i = comma + 1;
    }
  }
}

// A JSON number literal of 16+ digits right after `:`, `[` or `,` (a cheap pre-check).
const longNumberHint = /[:[,]\s*-?\d{16}/;

/**
 * JSON text with every integer literal of 16 or more digits turned into a string, so that
 * `JSON.parse` cannot round it through a double (2053013555631882655 would become
 * 2053013555631882800). Producers in other languages write 64-bit ids as plain numbers; this
 * keeps them exact, and the shared validator takes ids as digit strings. Strings are left alone.
 */
export function quoteLongIntegers(text: string): string {
  if (!longNumberHint.test(text)) return text;
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + (c === 0x2d ? 1 : 0);
      const digitsStart = j;
      while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      const digits = j - digitsStart;
      let isInteger = true;
      const isDigit = (k: number) => text.charCodeAt(k) >= 0x30 && text.charCodeAt(k) <= 0x39;
      if (text.charCodeAt(j) === 0x2e) {
        isInteger = false;
        j++;
        while (j < text.length && isDigit(j)) j++;
      }
      if (text.charCodeAt(j) === 0x65 || text.charCodeAt(j) === 0x45) {
        isInteger = false;
        j++;
        if (text.charCodeAt(j) === 0x2b || text.charCodeAt(j) === 0x2d) j++;
        while (j < text.length && isDigit(j)) j++;
      }
      if (isInteger && digits >= 16) {
        out += `${text.slice(last, i)}"${text.slice(i, j)}"`;
        last = j;
      }
      i = j - 1;
    }
  }
  return out + text.slice(last);
}
