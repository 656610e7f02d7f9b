import { type ImportColumnMapping, importColumnMappingSchema } from '@roster/domain';

/** What the page sends the parsing worker: the file's bytes and, after the mapping step, the mapping. */
export type ParseImportRequest = { bytes: Uint8Array; mapping: ImportColumnMapping | null };

export function readParseImportRequest(data: unknown): ParseImportRequest | null {
  if (typeof data !== 'object' || data === null || !('bytes' in data) || !('mapping' in data)) return null;
  if (!(data.bytes instanceof Uint8Array)) return null;
  if (data.mapping === null) return { bytes: data.bytes, mapping: null };
  const mapping = importColumnMappingSchema.safeParse(data.mapping);
  return mapping.success ? { bytes: data.bytes, mapping: mapping.data } : null;
}
