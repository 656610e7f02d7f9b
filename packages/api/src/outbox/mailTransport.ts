import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config';

export type OutgoingMail = { from: string; to: string; subject: string; text: string; html: string };

/** What the delivery worker needs of a mail transport: send one message or throw. */
export type MailTransport = {
  send: (mail: OutgoingMail) => Promise<void>;
  close: () => void;
};

/**
 * nodemailer over SMTP from a connection URL. Timeouts are short enough that a hung server fails
 * an attempt (to be retried) well within the worker's claim on the message.
 */
export function smtpTransport(smtp: SmtpConfig): MailTransport {
  const transporter = nodemailer.createTransport({
    url: smtp.url,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    send: async (mail) => {
      await transporter.sendMail(mail);
    },
    close: () => transporter.close(),
  };
}
