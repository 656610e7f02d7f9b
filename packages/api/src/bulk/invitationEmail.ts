/** Text people typed is never trusted as HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type InvitationEmail = { subject: string; text: string; html: string };

/** The invitation e-mail: who invites, where to accept, until when (SPEC §4). */
export function invitationEmail(input: {
  inviterName: string;
  link: string;
  expiresAt: Date;
  message: string | undefined;
  platformName?: string;
}): InvitationEmail {
  const platform = input.platformName ?? 'Roster';
  const until = input.expiresAt.toUTCString();
  const subject = `${input.inviterName} invited you to ${platform}`;
  const text = [
    `${input.inviterName} invited you to ${platform}.`,
    ...(input.message ? ['', input.message] : []),
    '',
    `Accept the invitation: ${input.link}`,
    `The link works once and until ${until}.`,
  ].join('\n');
  const html = [
    `<p>${escapeHtml(input.inviterName)} invited you to ${escapeHtml(platform)}.</p>`,
    ...(input.message ? [`<blockquote>${escapeHtml(input.message)}</blockquote>`] : []),
    `<p><a href="${escapeHtml(input.link)}">Accept the invitation</a></p>`,
    `<p>The link works once and until ${escapeHtml(until)}.</p>`,
  ].join('\n');
  return { subject, text, html };
}
