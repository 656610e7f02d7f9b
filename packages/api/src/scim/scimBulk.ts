import { SCIM_LIMITS, ScimError, scimErrorBody, scimUserEtag } from '@roster/domain';
import { z } from 'zod';
import type { ScimWrite, ScimWriteResult } from './scimWrites';

export const SCIM_BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const SCIM_BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

const bulkRequestSchema = z.object({
  schemas: z.array(z.string()).refine((s) => s.includes(SCIM_BULK_REQUEST_SCHEMA), {
    message: `schemas must hold ${SCIM_BULK_REQUEST_SCHEMA}.`,
  }),
  failOnErrors: z.number().int().min(1).optional(),
  Operations: z.array(
    z.looseObject({
      method: z.string(),
      bulkId: z.string().max(200).optional(),
      version: z.string().max(100).optional(),
      path: z.string().max(1_000),
      data: z.unknown().optional(),
    }),
  ),
});

export type ScimBulkOperation = { method: string; bulkId: string | undefined; write: ScimWrite };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function writeOf(
  method: string,
  path: string,
  data: unknown,
  bulkId: string | undefined,
  version: string | undefined,
): ScimWrite {
  const refused = (detail: string): ScimWrite => ({
    kind: 'refused',
    error: new ScimError(400, 'invalidSyntax', detail),
  });
  if (method === 'POST') {
    if (path !== '/Users') return refused(`POST goes to /Users, not ${path}.`);
    if (!bulkId) return refused('A POST in /Bulk carries a bulkId (RFC 7644 §3.7).');
    return { kind: 'create', resource: data, bulkId };
  }
  const match = path.match(/^\/Users\/(.+)$/);
  if (!match?.[1]) return refused(`${method} goes to /Users/<id>, not ${path}.`);
  const ref = match[1];
  const target = ref.startsWith('bulkId:')
    ? { bulkId: ref.slice('bulkId:'.length) }
    : UUID.test(ref)
      ? { id: ref.toLowerCase() }
      : null;
  if (!target) return { kind: 'refused', error: new ScimError(404, null, `No user has the id ${ref}.`) };
  switch (method) {
    case 'PUT':
      return { kind: 'update', target, ifMatch: version, change: { kind: 'replace', resource: data } };
    case 'PATCH':
      return { kind: 'update', target, ifMatch: version, change: { kind: 'patch', body: data } };
    case 'DELETE':
      return { kind: 'update', target, ifMatch: version, change: { kind: 'deactivate' } };
    default:
      return refused(`Unknown method ${method}.`);
  }
}

/**
 * A /Bulk request (RFC 7644 §3.7) as writes: at most `bulkMaxOperations` operations (413 beyond),
 * each POST, PUT, PATCH or DELETE on /Users; an operation that names no such thing is refused alone.
 */
export function parseScimBulk(body: unknown): {
  failOnErrors: number | undefined;
  operations: ScimBulkOperation[];
} {
  const parsed = bulkRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScimError(
      400,
      'invalidSyntax',
      `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'Invalid /Bulk request.'}`,
    );
  }
  const { Operations, failOnErrors } = parsed.data;
  if (Operations.length > SCIM_LIMITS.bulkMaxOperations) {
    throw new ScimError(
      413,
      null,
      `A /Bulk request holds at most ${SCIM_LIMITS.bulkMaxOperations} operations; this one holds ${Operations.length}.`,
    );
  }
  return {
    failOnErrors,
    operations: Operations.map((o) => {
      const method = o.method.toUpperCase();
      return { method, bulkId: o.bulkId, write: writeOf(method, o.path, o.data, o.bulkId, o.version) };
    }),
  };
}

/** The /Bulk response: one entry per operation performed, in order (RFC 7644 §3.7.3). */
export function scimBulkResponse(
  operations: readonly ScimBulkOperation[],
  results: readonly ScimWriteResult[],
) {
  return {
    schemas: [SCIM_BULK_RESPONSE_SCHEMA],
    Operations: results.map((result, index) => {
      const operation = operations[index];
      const head = {
        method: operation?.method ?? '',
        ...(operation?.bulkId ? { bulkId: operation.bulkId } : {}),
      };
      if (!result.ok)
        return { ...head, status: String(result.error.status), response: scimErrorBody(result.error) };
      return {
        ...head,
        location: result.location,
        version: scimUserEtag(result.user.version),
        status: operation?.method === 'DELETE' ? '204' : String(result.status),
      };
    }),
  };
}
