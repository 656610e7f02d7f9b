import type { ImportParse, ImportParseOptions } from '@roster/client/imports';
import { parseImportBytes, sha256Hex } from '@roster/client/imports';
import { IMPORT_LIMITS, type ImportFileRefusal, importFileRefusal } from '@roster/domain';
import type { ParseImportRequest } from './parseImportRequest';

/** A parsed file with its SHA-256 (recorded on the import's operation), or why it is refused. */
export type ImportFileParse = (ImportParse & { fileSha256: string }) | ImportFileRefusal;

/**
 * Files larger than this are parsed in a worker. Below it parsing takes a few tens of milliseconds,
 * less than starting a worker and copying the rows back.
 */
export const IMPORT_WORKER_THRESHOLD_BYTES = 512 * 1024;

function parseInWorker(
  bytes: Uint8Array,
  options: ImportParseOptions,
): Promise<ImportParse | ImportFileRefusal> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./parseImportFile.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<ImportParse | ImportFileRefusal>) => {
      worker.terminate();
      resolve(event.data);
    };
    // A worker that cannot start (a strict content security policy, an old browser) parses inline instead.
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      resolve(parseImportBytes(bytes, options));
    };
    const request: ParseImportRequest = { bytes, mapping: options.mapping ?? null };
    worker.postMessage(request);
  });
}

/**
 * Reads, checks and parses an import file (a picked or dropped `File`, any `Blob`, or text), in a worker
 * when it is large, and hashes its bytes. A file over the size limit is refused before it is read.
 */
export async function parseImportFile(
  input: Blob | string,
  options: ImportParseOptions = {},
): Promise<ImportFileParse> {
  if (typeof input !== 'string' && input.size > IMPORT_LIMITS.maxBytes) {
    return importFileRefusal('file_too_large', { bytes: input.size });
  }
  const bytes =
    typeof input === 'string' ? new TextEncoder().encode(input) : new Uint8Array(await input.arrayBuffer());
  if (bytes.byteLength > IMPORT_LIMITS.maxBytes) {
    return importFileRefusal('file_too_large', { bytes: bytes.byteLength });
  }
  const inWorker = bytes.byteLength > IMPORT_WORKER_THRESHOLD_BYTES && typeof Worker !== 'undefined';
  const [fileSha256, parse] = await Promise.all([
    sha256Hex(bytes),
    inWorker ? parseInWorker(bytes, options) : parseImportBytes(bytes, options),
  ]);
  return parse.ok ? { ...parse, fileSha256 } : parse;
}
