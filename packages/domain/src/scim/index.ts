export * from './scimDiscovery';
export * from './scimError';
export * from './scimGroupMembers';
export * from './scimMinute';
export * from './scimResults';
export * from './scimTokenRefusal';
export * from './scimUser';
