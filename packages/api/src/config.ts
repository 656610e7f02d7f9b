export type ApiConfig = {
  /** Where people open the web app; invitation links start with it. */
  publicUrl: string;
  sessionTtlDays: number;
  invitationTtlDays: number;
};

export const defaultApiConfig: ApiConfig = {
  publicUrl: 'http://localhost:3000',
  sessionTtlDays: 14,
  invitationTtlDays: 7,
};
