export * from './auditVocabulary';
export * from './userActivity';
