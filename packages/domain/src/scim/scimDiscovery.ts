import { SCIM_ENTERPRISE_USER_SCHEMA, SCIM_USER_SCHEMA } from './scimUser';

export const SCIM_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** What Roster's SCIM service advertises and enforces (RFC 7644 §4). */
export const SCIM_LIMITS = {
  /** Users one list page holds at most. */
  maxResults: 1_000,
  /** Operations one /Bulk request holds at most. */
  bulkMaxOperations: 1_000,
  /** Bytes one /Bulk request holds at most. */
  bulkMaxPayloadSize: 1_048_576,
} as const;

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** GET /ServiceProviderConfig (RFC 7643 §5): what the service supports. */
export function scimServiceProviderConfig(baseUrl: string, documentationUri: string) {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri,
    patch: { supported: true },
    bulk: {
      supported: true,
      maxOperations: SCIM_LIMITS.bulkMaxOperations,
      maxPayloadSize: SCIM_LIMITS.bulkMaxPayloadSize,
    },
    filter: { supported: true, maxResults: SCIM_LIMITS.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'An API token with the scim scope, created in Admin › API tokens: Authorization: Bearer <token>.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

/** The User resource type (RFC 7643 §6). */
export function scimUserResourceType(baseUrl: string) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A person of the platform.',
    schema: SCIM_USER_SCHEMA,
    schemaExtensions: [{ schema: SCIM_ENTERPRISE_USER_SCHEMA, required: false }],
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  };
}

/** The Group resource type: Roster's roles, one per user. */
export function scimGroupResourceType(baseUrl: string) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: "Roster's roles: a user is a member of exactly one.",
    schema: SCIM_GROUP_SCHEMA,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
  };
}

export function scimResourceTypes(baseUrl: string) {
  const resources = [scimUserResourceType(baseUrl), scimGroupResourceType(baseUrl)];
  return {
    schemas: [LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

const attribute = (
  name: string,
  extra: {
    type?: string;
    required?: boolean;
    caseExact?: boolean;
    mutability?: string;
    uniqueness?: string;
    multiValued?: boolean;
    subAttributes?: object[];
    description: string;
  },
) => ({
  name,
  type: extra.type ?? 'string',
  multiValued: extra.multiValued ?? false,
  description: extra.description,
  required: extra.required ?? false,
  caseExact: extra.caseExact ?? false,
  mutability: extra.mutability ?? 'readWrite',
  returned: 'default',
  uniqueness: extra.uniqueness ?? 'none',
  ...(extra.subAttributes ? { subAttributes: extra.subAttributes } : {}),
});

/** The User schema as Roster keeps it (RFC 7643 §7): the attributes it stores and returns. */
export function scimUserSchema(baseUrl: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: SCIM_USER_SCHEMA,
    name: 'User',
    description: 'A person of the platform.',
    attributes: [
      attribute('userName', {
        required: true,
        uniqueness: 'server',
        description: 'The e-mail address the user signs in with (stored lower-cased).',
      }),
      attribute('name', {
        type: 'complex',
        description: 'The name of the user.',
        subAttributes: [
          attribute('givenName', { description: 'First name.' }),
          attribute('familyName', { description: 'Last name.' }),
          attribute('formatted', { mutability: 'readOnly', description: 'First and last name.' }),
        ],
      }),
      attribute('displayName', {
        mutability: 'readOnly',
        description: 'First and last name, or the e-mail.',
      }),
      attribute('emails', {
        type: 'complex',
        multiValued: true,
        description: 'The one e-mail address of the user (its userName), of type work.',
        subAttributes: [
          attribute('value', { description: 'The e-mail address.' }),
          attribute('type', { description: 'Always work.' }),
          attribute('primary', { type: 'boolean', description: 'Always true.' }),
        ],
      }),
      attribute('active', {
        type: 'boolean',
        description: 'false: deactivated (signed out, cannot sign in); true: may sign in.',
      }),
      attribute('roles', {
        type: 'complex',
        multiValued: true,
        mutability: 'readOnly',
        description: "The user's role (one per user).",
        subAttributes: [
          attribute('value', { description: 'The role id.' }),
          attribute('display', { description: 'The role name.' }),
        ],
      }),
    ],
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${SCIM_USER_SCHEMA}` },
  };
}

/** The Group schema as Roster keeps it: a role's name (read-only here) and its members. */
export function scimGroupSchema(baseUrl: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: SCIM_GROUP_SCHEMA,
    name: 'Group',
    description: 'A role of Roster: each user is a member of exactly one.',
    attributes: [
      attribute('displayName', {
        required: true,
        mutability: 'readOnly',
        uniqueness: 'server',
        description: 'The role name.',
      }),
      attribute('members', {
        type: 'complex',
        multiValued: true,
        description:
          'The users with this role: adding one gives them the role; removing one gives them the Reader role.',
        subAttributes: [attribute('value', { mutability: 'immutable', description: 'The user id.' })],
      }),
    ],
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${SCIM_GROUP_SCHEMA}` },
  };
}

export function scimSchemas(baseUrl: string) {
  const resources = [scimUserSchema(baseUrl), scimGroupSchema(baseUrl)];
  return {
    schemas: [LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
