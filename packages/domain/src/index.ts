export * from './auth';
export * from './bulk';
export * from './catalog';
export * from './errors';
export * from './users';
export * from './csv';
