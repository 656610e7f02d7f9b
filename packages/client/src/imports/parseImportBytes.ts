import { IMPORT_LIMITS, type ImportFileRefusal, importFileRefusal } from '@roster/domain';
import { type ImportParse, type ImportParseOptions, parseImportText } from './parseImportText';

/**
 * The text of an import file, or why it is not UTF-8. A fatal decoder refuses Latin-1 and Windows-1252
 * bytes instead of turning them into U+FFFD; a byte-order mark is dropped. A NUL means UTF-16 without
 * its mark (valid UTF-8 byte for byte, yet no CSV has one).
 */
export function decodeImportBytes(bytes: Uint8Array): string | ImportFileRefusal {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return importFileRefusal('not_utf8');
  }
  return text.includes('\u0000') ? importFileRefusal('not_utf8') : text;
}

/** An import file's bytes, size-checked, decoded and parsed (what the worker runs). */
export function parseImportBytes(
  bytes: Uint8Array,
  options: ImportParseOptions = {},
): ImportParse | ImportFileRefusal {
  if (bytes.byteLength > IMPORT_LIMITS.maxBytes) {
    return importFileRefusal('file_too_large', { bytes: bytes.byteLength });
  }
  const text = decodeImportBytes(bytes);
  return typeof text === 'string' ? parseImportText(text, options) : text;
}
