export * from './describeChange';
export * from './resultsCsv';
