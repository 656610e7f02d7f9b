export * from './builtInRoles';
export * from './createDb';
export * from './dataDirLock';
export * from './ids';
export * from './rows';
export * from './schema';
export * from './seed';
export * from './transientErrors';
