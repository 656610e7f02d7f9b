/** The `scimType` values of RFC 7644 §3.12 that Roster answers with. */
export const SCIM_ERROR_TYPES = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
] as const;
export type ScimErrorType = (typeof SCIM_ERROR_TYPES)[number];

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * A SCIM request refused as a whole (RFC 7644 §3.12): the HTTP status, the `scimType` where the RFC
 * names one, and a sentence. Nothing has been written when it is thrown.
 */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimErrorType | null,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

/** The Administrator role is neither given nor taken through SCIM: that needs Roster's typed confirmation. */
export function adminRoleRefusal(): ScimError {
  return new ScimError(
    400,
    'mutability',
    'The Administrator role is given and taken in Roster, not through SCIM.',
  );
}

/** The body of a SCIM error response. */
export function scimErrorBody(error: { status: number; scimType: ScimErrorType | null; detail: string }) {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.detail,
  };
}
