/** Text people typed is never trusted as HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type InvitationEmail = { subject: string; text: string; html: string };

const expiryFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'full',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** The invitation e-mail: who invites, to what, where to accept, until when (SPEC §4). */
export function invitationEmail(input: {
  inviterName: string;
  platformName: string;
  link: string;
  expiresAt: Date;
  message: string | undefined;
}): InvitationEmail {
  const { inviterName, platformName, link } = input;
  const until = `${expiryFormat.format(input.expiresAt)} UTC`;
  const subject = `${inviterName} invited you to ${platformName}`;
  const text = [
    `${inviterName} invited you to ${platformName}.`,
    ...(input.message ? ['', `“${input.message}”`] : []),
    '',
    'Choose your name and password to accept the invitation:',
    link,
    '',
    `The link works once, until ${until}.`,
    'If you did not expect this invitation, ignore this e-mail.',
  ].join('\n');
  const message = input.message
    ? `<blockquote style="margin:16px 0;padding:8px 16px;border-left:3px solid #cbd5e1;color:#334155">${escapeHtml(input.message).replace(/\n/g, '<br>')}</blockquote>`
    : '';
  const html = `<!doctype html>
<html><body style="margin:0;padding:24px;background:#f8fafc;font-family:system-ui,sans-serif;color:#0f172a">
<div style="max-width:520px;margin:0 auto;background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:24px">
<p style="font-size:16px"><strong>${escapeHtml(inviterName)}</strong> invited you to <strong>${escapeHtml(platformName)}</strong>.</p>
${message}
<p>Choose your name and password to accept the invitation:</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#4f46e5;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Accept the invitation</a></p>
<p style="font-size:13px;color:#475569">Or open this link: <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>
<p style="font-size:13px;color:#475569">The link works once, until ${escapeHtml(until)}. If you did not expect this invitation, ignore this e-mail.</p>
</div></body></html>`;
  return { subject, text, html };
}
