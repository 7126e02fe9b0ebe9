import nodemailer from 'nodemailer';
import type { OutboxNotice } from '../db/webhooks.ts';
import type { PostResult } from './webhook-http.ts';

export interface EmailDeps {
  /** A nodemailer transport URL (PHASEGATE_SMTP_URL); unset, e-mail is off. */
  smtpUrl?: string;
  /** The sender of every message (PHASEGATE_SMTP_FROM). */
  smtpFrom?: string;
  /** How long the SMTP server has to connect, greet and answer. */
  smtpTimeoutMs?: number;
}

export const DEFAULT_SMTP_FROM = 'Phasegate <phasegate@localhost>';

export interface EmailMessage {
  subject: string;
  text: string;
  messageId: string;
}

/** `deadline-extended` → `Deadline extended`. */
export function kindInWords(kind: string): string {
  const words = kind.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The domain of the sender's address, for Message-IDs. */
function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'phasegate.invalid';
}

const oneLine = (value: string) => value.replace(/\s+/g, ' ').trim();

/**
 * The message of a notice to one address: the subject names the kind and the competition, the body
 * shows the notice's JSON readably. The Message-ID comes from the notice and the endpoint, so every
 * retry and replay sends the same message, which mail systems deduplicate.
 */
export function emailMessage(
  notice: OutboxNotice,
  endpointId: string,
  competition: string | undefined,
  from: string = DEFAULT_SMTP_FROM,
): EmailMessage {
  const title = oneLine(competition ?? notice.competitionId);
  const kind = kindInWords(notice.kind);
  const text = [
    kind,
    '',
    `Competition: ${title} (${notice.competitionId})`,
    ...(notice.phase ? [`Phase: ${notice.phase}`] : []),
    `Notice: ${notice.id}, ${notice.createdAt.toISOString()}`,
    '',
    JSON.stringify(notice.body, null, 2),
    '',
    'You receive this because you gave this address to Phasegate (DELETE /me/email stops it).',
    '',
  ].join('\n');
  return {
    subject: `${kind}: ${title}`,
    text,
    messageId: `<notice-${notice.id}.${endpointId}@${domainOf(from)}>`,
  };
}

export type MailNotice = (
  to: string,
  notice: OutboxNotice,
  endpointId: string,
  competition: string | undefined,
) => Promise<PostResult>;

/** Sends notices over SMTP; undefined when e-mail is off. Never throws: the outcome says what happened. */
export function createMailer(deps: EmailDeps): MailNotice | undefined {
  if (!deps.smtpUrl) return undefined;
  const timeout = deps.smtpTimeoutMs ?? 30_000;
  const from = deps.smtpFrom ?? DEFAULT_SMTP_FROM;
  const transport = nodemailer.createTransport(deps.smtpUrl, {
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return async (to, notice, endpointId, competition) => {
    const message = emailMessage(notice, endpointId, competition, from);
    try {
      const info = await transport.sendMail({
        from,
        to,
        subject: message.subject,
        text: message.text,
        messageId: message.messageId,
        date: notice.createdAt,
        headers: { 'X-Phasegate-Notice': notice.id, 'X-Phasegate-Kind': notice.kind },
      });
      const code = Number.parseInt(String(info.response).slice(0, 3), 10);
      return { statusCode: Number.isFinite(code) ? code : 250 };
    } catch (error) {
      const responseCode = (error as { responseCode?: unknown }).responseCode;
      return {
        statusCode: typeof responseCode === 'number' ? responseCode : null,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  };
}
