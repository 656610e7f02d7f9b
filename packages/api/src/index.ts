export type { Actor } from './auth/actor';
export { ensureBootstrapAdmin } from './auth/bootstrapAdmin';
export { hashPassword, hashToken, newSecretToken } from './auth/secrets';
export { type ApiConfig, defaultApiConfig } from './config';
export { type ApiDeps, type Context, createContext, type RequestInfo, type SessionCookie } from './context';
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from './root';
