// EmailSender over SMTP (nodemailer). TLS is required unless the server is on loopback (a local
// relay or a test server): credentials and reset links never cross a network in clear text.
// The message is plain text, from a fixed sender; nodemailer encodes the headers, and the
// recipient is checked to be one bare address so nothing can be smuggled into them.
import { assert } from '@parite/kernel';
import { isIP } from 'node:net';
import { createTransport, type Transporter } from 'nodemailer';
import type { EmailMessage, EmailSender } from '../../credentials/app/ports.ts';
import { isPlainEmailAddress } from './address.ts';

export type SmtpSecurity = 'implicit-tls' | 'starttls' | 'none-loopback-only';

export interface SmtpEmailSenderOptions {
  readonly host: string;
  readonly port: number;
  /** 'implicit-tls' (port 465), 'starttls' (587, refused if the server does not offer it), or plain text to a loopback relay. */
  readonly security: SmtpSecurity;
  readonly from: string;
  readonly username?: string;
  readonly password?: string;
  /** PEM of a private CA for the relay's certificate; the system trust store otherwise. */
  readonly tlsCaPem?: string;
  readonly timeoutMs?: number;
}

export const smtpTimeoutMsDefault = 10_000;

export class SmtpEmailSender implements EmailSender {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(options: SmtpEmailSenderOptions) {
    assert(isPlainEmailAddress(options.from), 'the sender is one plain e-mail address');
    assert(Number.isSafeInteger(options.port) && options.port > 0 && options.port < 65_536, 'SMTP port');
    if (options.security === 'none-loopback-only') assert(isLoopback(options.host), 'SMTP without TLS is allowed to a loopback host only');
    const timeoutMs = options.timeoutMs ?? smtpTimeoutMsDefault;
    this.from = options.from;
    this.transport = createTransport({
      host: options.host,
      port: options.port,
      secure: options.security === 'implicit-tls',
      requireTLS: options.security === 'starttls',
      ignoreTLS: options.security === 'none-loopback-only',
      auth: options.username === undefined ? undefined : { user: options.username, pass: options.password ?? '' },
      tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(options.tlsCaPem === undefined ? {} : { ca: options.tlsCaPem }) },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      // Never write SMTP conversations (which carry the links) to a log.
      logger: false,
      debug: false,
    });
  }

  async send(message: EmailMessage): Promise<void> {
    assert(isPlainEmailAddress(message.to), 'the recipient is one plain e-mail address');
    await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      // Message content never pulls files or URLs in.
      disableFileAccess: true,
      disableUrlAccess: true,
      headers: { 'X-Parite-Mail-Kind': message.kind },
    });
  }

  close(): void {
    this.transport.close();
  }
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
