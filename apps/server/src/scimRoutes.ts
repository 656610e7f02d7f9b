import {
  type ApiConfig,
  auditScimRequest,
  findScimGroup,
  findScimUser,
  getScimGroup,
  groupPatchWrites,
  groupPutWrites,
  listScimGroups,
  listScimUsers,
  parseScimBulk,
  resolveScimToken,
  runScimWrites,
  type ScimCaller,
  type ScimListQuery,
  type ScimTokenCheck,
  type ScimWrite,
  type ScimWriteResult,
  scimBulkResponse,
  scimGroupResource,
} from '@roster/api';
import { type Db, isTransientDbError } from '@roster/db';
import {
  SCIM_GROUP_SCHEMA,
  SCIM_USER_SCHEMA,
  ScimError,
  scimErrorBody,
  scimGroupResourceType,
  scimGroupSchema,
  scimResourceTypes,
  scimSchemas,
  scimServiceProviderConfig,
  scimUserEtag,
  scimUserResourceType,
  scimUserSchema,
  toScimUser,
} from '@roster/domain';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RequestLimiter, type RequestLimits } from './requestLimiter';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
/** Largest SCIM request body (the /Bulk maxPayloadSize advertised). */
export const SCIM_BODY_LIMIT_BYTES = 1_048_576;
export const SCIM_PREFIX = '/scim/v2';

/** Per SCIM token: calls in flight and waiting (an identity provider sends a few at a time). */
export const SCIM_REQUEST_LIMITS: RequestLimits = {
  maxBatchSize: 1,
  perPrincipal: 4,
  total: 8,
  queuePerPrincipal: 50,
  queueTotal: 200,
  maxWaitMs: 10_000,
  retryAfterSeconds: 2,
};

/** When an identity provider should try again after the database was unavailable (a 503). */
const DATABASE_RETRY_AFTER_SECONDS = 2;

export type ScimRoutesOptions = {
  db: Db;
  api: ApiConfig;
  now?: (() => Date) | undefined;
  limits?: RequestLimits | undefined;
};

/**
 * SCIM 2.0 (RFC 7643/7644) under /scim/v2 for identity providers: a Bearer API token with the
 * `scim` scope, and no other, reaches these routes; every request is audited with the token's name.
 */
export async function scimRoutes(app: FastifyInstance, options: ScimRoutesOptions) {
  const clock = () => options.now?.() ?? new Date();
  const limiter = new RequestLimiter(options.limits ?? SCIM_REQUEST_LIMITS);
  /** Each request's token check (none when it was refused before it: too many requests at once). */
  const checks = new WeakMap<FastifyRequest, ScimTokenCheck>();
  const outcomes = new WeakMap<
    FastifyRequest,
    { scimType?: string | undefined; operationId?: string | undefined }
  >();
  const baseUrl = `${options.api.publicUrl.replace(/\/$/, '')}${SCIM_PREFIX}`;

  const send = (reply: FastifyReply, status: number, body: unknown) =>
    reply.status(status).header('content-type', SCIM_CONTENT_TYPE).send(JSON.stringify(body));
  const sendError = (req: FastifyRequest, reply: FastifyReply, error: ScimError) => {
    outcomes.set(req, { ...outcomes.get(req), scimType: error.scimType ?? undefined });
    return send(reply, error.status, scimErrorBody(error));
  };

  // SCIM bodies are JSON under either type, at most 1 MB, and a body that does not parse is SCIM's 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    [SCIM_CONTENT_TYPE, 'application/json'],
    { parseAs: 'string', bodyLimit: SCIM_BODY_LIMIT_BYTES },
    (_req, body, done) => {
      try {
        done(null, body === '' ? undefined : JSON.parse(String(body)));
      } catch {
        done(new ScimError(400, 'invalidSyntax', 'The body is not valid JSON.'), undefined);
      }
    },
  );

  app.setErrorHandler((error: FastifyError | ScimError, req, reply) => {
    if (error instanceof ScimError) return sendError(req, reply, error);
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return sendError(
        req,
        reply,
        new ScimError(413, null, `The request is larger than ${SCIM_BODY_LIMIT_BYTES} bytes.`),
      );
    }
    if (status === 415) return sendError(req, reply, new ScimError(415, null, `Send ${SCIM_CONTENT_TYPE}.`));
    if (status >= 400 && status < 500)
      return sendError(req, reply, new ScimError(status, 'invalidSyntax', error.message));
    // The database lost for now (or still giving way after the writes were run again): nothing was
    // written, and the identity provider's retry is the cure.
    if (isTransientDbError(error)) {
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return sendError(
        req,
        reply,
        new ScimError(503, null, 'The database is unavailable for a moment. Nothing was written; try again.'),
      );
    }
    req.log.error({ err: error }, 'SCIM request failed');
    return sendError(req, reply, new ScimError(500, null, 'Something went wrong on the server.'));
  });

  app.addHook('onRequest', async (req, reply) => {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    // Bounded before any work, the token's own lookup included: per token, or per address without one.
    const release = await limiter.acquire(bearer ? `token:${bearer}` : `address:${req.ip}`, 1);
    if (!release) {
      reply.header('retry-after', String((options.limits ?? SCIM_REQUEST_LIMITS).retryAfterSeconds));
      return sendError(
        req,
        reply,
        new ScimError(429, null, 'Too many requests at once. Try again in a moment.'),
      );
    }
    reply.raw.once('close', release);
    const check = await resolveScimToken(options.db, bearer, clock());
    checks.set(req, check);
    if (!check.ok) {
      reply.header('www-authenticate', 'Bearer realm="scim"');
      return sendError(
        req,
        reply,
        new ScimError(401, null, 'Send an API token with the scim scope: Authorization: Bearer <token>.'),
      );
    }
  });

  // Each query parameter (filter, startIndex, attributes…) is one text: given twice, it is a list.
  app.addHook('preValidation', async (req) => {
    const query = req.query;
    if (query && typeof query === 'object') {
      const repeated = Object.entries(query).find(([, value]) => Array.isArray(value));
      if (repeated)
        throw new ScimError(400, 'invalidValue', `The query parameter ${repeated[0]} is given once.`);
    }
  });

  // Every request, answered or refused, is audited with its token's name (never its body or token),
  // before its answer leaves: a client that has its answer finds the request in the audit.
  app.addHook('onSend', async (req, reply) => {
    const outcome = outcomes.get(req);
    try {
      await auditScimRequest(
        options.db,
        checks.get(req) ?? null,
        {
          method: req.method,
          path: req.url.split('?')[0] ?? req.url,
          status: reply.statusCode,
          scimType: outcome?.scimType,
          operationId: outcome?.operationId,
          ip: req.ip,
        },
        clock(),
      );
    } catch (error) {
      req.log.error({ err: error }, 'SCIM request audit failed');
    }
  });

  // An unknown SCIM path is SCIM's 404, never the web app's page.
  app.setNotFoundHandler((req, reply) =>
    sendError(
      req,
      reply,
      new ScimError(404, null, `No SCIM endpoint ${req.method} ${req.url.split('?')[0]}.`),
    ),
  );

  const callerOf = (req: FastifyRequest): ScimCaller => {
    const check = checks.get(req);
    if (!check?.ok) throw new ScimError(401, null, 'Send an API token with the scim scope.');
    return check.caller;
  };

  app.get('/ServiceProviderConfig', (_req, reply) =>
    send(reply, 200, scimServiceProviderConfig(baseUrl, `${options.api.publicUrl}/admin/provisioning`)),
  );
  app.get('/ResourceTypes', (_req, reply) => send(reply, 200, scimResourceTypes(baseUrl)));
  app.get<{ Params: { id: string } }>('/ResourceTypes/:id', (req, reply) => {
    if (req.params.id === 'User') return send(reply, 200, scimUserResourceType(baseUrl));
    if (req.params.id === 'Group') return send(reply, 200, scimGroupResourceType(baseUrl));
    throw new ScimError(404, null, `No resource type ${req.params.id}.`);
  });
  app.get('/Schemas', (_req, reply) => send(reply, 200, scimSchemas(baseUrl)));
  app.get<{ Params: { id: string } }>('/Schemas/:id', (req, reply) => {
    if (req.params.id === SCIM_USER_SCHEMA) return send(reply, 200, scimUserSchema(baseUrl));
    if (req.params.id === SCIM_GROUP_SCHEMA) return send(reply, 200, scimGroupSchema(baseUrl));
    throw new ScimError(404, null, `No schema ${req.params.id}.`);
  });

  /** attributes / excludedAttributes (RFC 7644 §3.4.2.5): id, schemas and meta are always returned. */
  const project = (
    resource: Record<string, unknown>,
    query: { attributes?: string; excludedAttributes?: string },
  ) => {
    const list = (value: string | undefined) =>
      value
        ?.split(',')
        .map(
          (a) => a.trim().toLowerCase().replace(`${SCIM_USER_SCHEMA.toLowerCase()}:`, '').split('.')[0] ?? '',
        )
        .filter(Boolean);
    const include = list(query.attributes);
    const exclude = list(query.excludedAttributes);
    const always = new Set(['id', 'schemas', 'meta']);
    return Object.fromEntries(
      Object.entries(resource).filter(([key]) => {
        const k = key.toLowerCase();
        if (always.has(k)) return true;
        if (include?.length) return include.includes(k);
        return !exclude?.includes(k);
      }),
    );
  };

  app.get<{ Querystring: ScimListQuery & { attributes?: string; excludedAttributes?: string } }>(
    '/Users',
    async (req, reply) => {
      callerOf(req);
      const page = await listScimUsers(options.db, req.query, baseUrl, clock());
      return send(reply, 200, { ...page, Resources: page.Resources.map((r) => project(r, req.query)) });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { attributes?: string; excludedAttributes?: string } }>(
    '/Users/:id',
    async (req, reply) => {
      callerOf(req);
      const user = await findScimUser(options.db, req.params.id);
      reply.header('etag', scimUserEtag(user.version));
      return send(reply, 200, project(toScimUser(user, `${baseUrl}/Users/${user.id}`), req.query));
    },
  );

  /** One write, refused as a whole (nothing written) or answered with the user as it now is. */
  const writeOne = async (req: FastifyRequest, reply: FastifyReply, write: ScimWrite, label: string) => {
    const { operationId, results } = await runScimWrites(
      { db: options.db, config: options.api, now: clock(), caller: callerOf(req), baseUrl },
      [write],
      { atomic: true, label, grouped: true },
    );
    outcomes.set(req, { operationId: operationId ?? undefined });
    const [result] = results;
    return answer(reply, result, req.method === 'DELETE');
  };
  const answer = (reply: FastifyReply, result: ScimWriteResult | undefined, empty: boolean) => {
    if (!result) throw new ScimError(500, null, 'The write gave no result.');
    if (!result.ok) throw result.error;
    reply.header('etag', scimUserEtag(result.user.version));
    if (result.status === 201) reply.header('location', result.location);
    if (empty) return reply.status(204).send();
    return send(reply, result.status, toScimUser(result.user, result.location));
  };

  app.post('/Users', (req, reply) =>
    writeOne(req, reply, { kind: 'create', resource: req.body }, 'POST /Users'),
  );
  /** A change of the user the path names, made only if it still is the version `If-Match` names. */
  const updateOne = (
    req: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    change: Extract<ScimWrite, { kind: 'update' }>['change'],
    label: string,
  ) =>
    writeOne(
      req,
      reply,
      { kind: 'update', target: { id: validId(req.params.id) }, ifMatch: req.headers['if-match'], change },
      label,
    );
  // PUT replaces the resource, PATCH applies its operations: the same update otherwise.
  const update = (method: 'PUT' | 'PATCH') =>
    app.route<{ Params: { id: string } }>({
      method,
      url: '/Users/:id',
      handler: (req, reply) =>
        updateOne(
          req,
          reply,
          method === 'PUT' ? { kind: 'replace', resource: req.body } : { kind: 'patch', body: req.body },
          `${method} /Users`,
        ),
    });
  update('PUT');
  update('PATCH');
  // One /Bulk request is one operation: its creates in one statement, its updates in rounds.
  app.post('/Bulk', async (req, reply) => {
    const { failOnErrors, operations } = parseScimBulk(req.body);
    const { operationId, results } = await runScimWrites(
      { db: options.db, config: options.api, now: clock(), caller: callerOf(req), baseUrl },
      operations.map((o) => o.write),
      { atomic: false, label: `POST /Bulk (${operations.length} operations)`, failOnErrors },
    );
    outcomes.set(req, { operationId: operationId ?? undefined });
    return send(reply, 200, scimBulkResponse(operations, results));
  });

  // Groups are Roster's roles (one per user): listed, read, and their membership moved by PATCH.
  app.get<{ Querystring: { filter?: string; attributes?: string; excludedAttributes?: string } }>(
    '/Groups',
    async (req, reply) => {
      callerOf(req);
      return send(reply, 200, await listScimGroups(options.db, req.query, baseUrl));
    },
  );
  app.get<{ Params: { id: string }; Querystring: { attributes?: string; excludedAttributes?: string } }>(
    '/Groups/:id',
    async (req, reply) => {
      callerOf(req);
      return send(reply, 200, await getScimGroup(options.db, req.params.id, req.query, baseUrl));
    },
  );
  // PATCH moves members in or out; PUT (and PATCH replace of members) replaces them as a whole.
  const groupWrite = (method: 'PATCH' | 'PUT') =>
    app.route<{ Params: { id: string } }>({
      method,
      url: '/Groups/:id',
      handler: async (req, reply) => {
        const role = await findScimGroup(options.db, req.params.id);
        const writes =
          method === 'PATCH'
            ? await groupPatchWrites(options.db, role, req.body)
            : await groupPutWrites(options.db, role, req.body);
        if (writes.length) {
          const { operationId, results } = await runScimWrites(
            { db: options.db, config: options.api, now: clock(), caller: callerOf(req), baseUrl },
            writes,
            { atomic: true, label: `${method} /Groups (${role.name})`, grouped: true },
          );
          outcomes.set(req, { operationId: operationId ?? undefined });
          const refused = results.find((r) => !r.ok);
          if (refused && !refused.ok) throw refused.error;
        }
        return send(reply, 200, scimGroupResource(role, baseUrl));
      },
    });
  groupWrite('PATCH');
  groupWrite('PUT');
  const groupsAreRoles = () => {
    throw new ScimError(
      400,
      'mutability',
      "Groups are Roster's roles: they are created and removed in Roster.",
    );
  };
  app.post('/Groups', groupsAreRoles);
  app.delete('/Groups/:id', groupsAreRoles);

  // DELETE deactivates: Roster never deletes a user (their data is kept, and they can come back).
  app.delete<{ Params: { id: string } }>('/Users/:id', (req, reply) =>
    updateOne(req, reply, { kind: 'deactivate' }, 'DELETE /Users'),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function validId(id: string): string {
  if (!UUID.test(id)) throw new ScimError(404, null, `No user has the id ${id}.`);
  return id.toLowerCase();
}
