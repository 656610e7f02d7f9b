export * from './access';
export * from './administratorRole';
export * from './operationStatus';
export * from './operations';
export * from './plan';
export * from './reasons';
export * from './revert';
