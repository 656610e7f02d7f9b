export type ApiConfig = {
  /** Where people open the web app; invitation links start with it. */
  publicUrl: string;
  sessionTtlDays: number;
  invitationTtlDays: number;
  /** A worker holds a running bulk operation this long without progress; then another takes over. */
  bulkLeaseMs: number;
};

export const defaultApiConfig: ApiConfig = {
  publicUrl: 'http://localhost:3000',
  sessionTtlDays: 14,
  invitationTtlDays: 7,
  bulkLeaseMs: 30_000,
};
