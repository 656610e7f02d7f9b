export type { Actor } from './auth/actor';
export { resolveActor } from './auth/actor';
export { ensureBootstrapAdmin } from './auth/bootstrapAdmin';
export { hashPassword, hashToken, newApiToken, newSecretToken } from './auth/secrets';
export { operationExists } from './bulk/results';
export { bulkResultsCsv } from './bulk/resultsCsv';
export { type ApiConfig, defaultApiConfig, type SmtpConfig } from './config';
export { type ApiDeps, type Context, createContext, type RequestInfo, type SessionCookie } from './context';
export { type HttpRefusal, httpRefusal } from './httpRefusal';
export { type LogSafeError, logSafeError, logSafeMessage } from './logSafeError';
export { deliverDueMessages, retryDelayMs, startOutboxDelivery } from './outbox/deliverOutbox';
export { type MailTransport, type OutgoingMail, smtpTransport } from './outbox/mailTransport';
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from './root';
export { startBulkRunner } from './runner/bulkRunner';
export { requestEnded, requestStarted, requestsInFlight } from './runner/giveWayToRequests';
export { claimOperation, runOperation } from './runner/runOperation';
export { EMBEDDED_SLICE_TARGET_MS } from './runner/slicePacer';
export * from './scim';
export {
  EXPORT_CHUNK_ROWS,
  type ExportUsersOptions,
  exportUsersCsv,
  type UsersCsvExport,
} from './users/exportUsers';
