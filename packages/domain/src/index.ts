export * from './auth';
export * from './bulk';
export * from './catalog';
export * from './csv';
export * from './errors';
export * from './invitations';
export * from './outbox';
export * from './users';
