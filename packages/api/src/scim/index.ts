export { parseScimBulk, scimBulkResponse } from './scimBulk';
export {
  findScimGroup,
  getScimGroup,
  groupPatchWrites,
  groupPutWrites,
  listScimGroups,
  scimGroupResource,
} from './scimGroups';
export {
  auditScimRequest,
  lastScimRequests,
  resolveScimToken,
  type ScimCaller,
  type ScimRequestRecord,
  type ScimTokenCheck,
} from './scimToken';
export { findScimUser, listScimUsers, type ScimListQuery, scimUserLocation } from './scimUsers';
export { runScimWrites, type ScimDeps, type ScimWrite, type ScimWriteResult } from './scimWrites';
