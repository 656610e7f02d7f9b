export * from './columns';
export * from './commit';
export * from './errorsCsv';
export * from './fileRefusals';
export * from './limits';
export * from './reasons';
export * from './rows';
export * from './validateImportRows';
