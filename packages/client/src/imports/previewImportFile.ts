import {
  IMPORT_CHUNK_MAX_BYTES,
  IMPORT_CHUNK_ROWS,
  type ImportFile,
  type ImportPreviewInput,
  type ImportRow,
  type ImportRowResult,
  importRowJsonBytesAtMost,
  toImportRowInput,
} from '@roster/domain';
import {
  chunksOf,
  IMPORT_CONCURRENCY,
  type ImportVerdict,
  mapConcurrently,
  mergeVerdicts,
} from './importVerdicts';

/** The one procedure the preview needs: the typed client has it (and a test can stand in for it). */
export type ImportPreviewClient = {
  imports: {
    preview: { mutate: (input: ImportPreviewInput) => Promise<{ rows: readonly ImportVerdict[] }> };
  };
};

export type ImportFilePreview = {
  operationId: string;
  file: ImportFile;
  /** The parsed rows, and the file's own verdict on each (the same order). */
  rows: readonly ImportRow[];
  results: readonly ImportRowResult[];
};

/**
 * Sends every row of a parsed file to `imports.preview` under the import's `operationId`, in chunks
 * with IMPORT_CONCURRENCY in flight, and returns the verdict on every row. The server keeps the rows:
 * `imports.commit` with the same `operationId` then creates the users without sending them again.
 */
export async function previewImportFile(
  client: ImportPreviewClient,
  preview: ImportFilePreview,
  onChunk?: (done: number, total: number) => void,
): Promise<ImportVerdict[]> {
  const server = new Map<number, ImportVerdict>();
  // At most IMPORT_CHUNK_ROWS rows, and few enough bytes for the server's request limit.
  const chunks = chunksOf(
    preview.rows.map(toImportRowInput),
    IMPORT_CHUNK_ROWS,
    importRowJsonBytesAtMost,
    IMPORT_CHUNK_MAX_BYTES,
  );
  let done = 0;
  onChunk?.(done, chunks.length);
  await mapConcurrently(chunks, IMPORT_CONCURRENCY, async (rows) => {
    const answer = await client.imports.preview.mutate({
      operationId: preview.operationId,
      file: preview.file,
      rows,
    });
    for (const verdict of answer.rows) server.set(verdict.line, verdict);
    onChunk?.(++done, chunks.length);
  });
  return mergeVerdicts(preview.results, server);
}
