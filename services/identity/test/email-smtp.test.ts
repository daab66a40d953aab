// Real mail over SMTP: an smtp-server on loopback receives what SmtpEmailSender sends, and the
// links in the verification, reset and new-device messages work when followed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { SmtpEmailSender } from '../src/index.ts';
import { createCredentialFixture, fingerprint, goodPassword, ip, tokenIn, type CredentialFixture } from './credentials-fixture.ts';

interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly headers: string;
  readonly body: string;
}

/** Decodes the body as nodemailer wrote it: 7bit or quoted-printable. */
function decodeBody(headers: string, body: string): string {
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(headers)) return body;
  const bytes = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  return bytes.toString('utf8');
}

describe('SMTP e-mail', () => {
  const received: ReceivedMail[] = [];
  let server: SMTPServer;
  let port = 0;
  let sender: SmtpEmailSender;
  let fixture: CredentialFixture;

  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const split = raw.indexOf('\r\n\r\n');
          const headers = raw.slice(0, split);
          received.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            headers,
            body: decodeBody(headers, raw.slice(split + 4)),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
    sender = new SmtpEmailSender({ host: '127.0.0.1', port, security: 'none-loopback-only', from: 'no-reply@bank.example' });
    fixture = createCredentialFixture({ email: sender });
  });

  after(async () => {
    sender?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function mailFor(to: string, subject: RegExp): ReceivedMail {
    const mail = received.filter((entry) => entry.to.includes(to) && subject.test(entry.headers)).at(-1);
    assert.ok(mail !== undefined, `no mail to ${to} matching ${subject}`);
    return mail;
  }

  const asMessage = (mail: ReceivedMail) => ({ kind: 'email-verification' as const, to: mail.to[0] ?? '', subject: '', text: mail.body });

  test('verification, new-device and reset messages arrive and their links work', async () => {
    await fixture.service.register({ email: 'smtp-user@example.com', password: goodPassword, ip });
    await fixture.service.idle();
    const verification = mailFor('smtp-user@example.com', /Subject: Parite: confirm your e-mail address/);
    assert.equal(verification.from, 'no-reply@bank.example');
    assert.match(verification.headers, /X-Parite-Mail-Kind: email-verification/);
    assert.match(verification.headers, /Content-Type: text\/plain/);
    assert.equal((await fixture.service.verifyEmail(tokenIn(asMessage(verification)))).kind, 'ok');

    // No device was confirmed with the link: the first login is a new device.
    const login = await fixture.service.login({ email: 'smtp-user@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR', deviceLabel: 'Chrome on Linux' });
    assert.equal(login.kind, 'needs-device-confirmation');
    await fixture.service.idle();
    const device = mailFor('smtp-user@example.com', /Subject: Parite: confirm a sign-in from a new device/);
    assert.match(device.body, /Chrome on Linux/);
    assert.equal((await fixture.service.confirmDevice(tokenIn(asMessage(device)))).kind, 'ok');
    assert.equal((await fixture.service.login({ email: 'smtp-user@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR' })).kind, 'ok');

    await fixture.service.requestPasswordReset('smtp-user@example.com', ip);
    await fixture.service.idle();
    const reset = mailFor('smtp-user@example.com', /Subject: Parite: reset your password/);
    assert.equal((await fixture.service.resetPassword(tokenIn(asMessage(reset)), 'a-fresh-smtp-passphrase')).kind, 'ok');
    await fixture.service.idle();
    mailFor('smtp-user@example.com', /Subject: Parite: your password was changed/);
  });

  test('plain-text SMTP only to loopback; one bare recipient only', async () => {
    assert.throws(() => new SmtpEmailSender({ host: 'smtp.bank.example', port: 25, security: 'none-loopback-only', from: 'no-reply@bank.example' }), /loopback/);
    assert.throws(() => new SmtpEmailSender({ host: '127.0.0.1', port, security: 'none-loopback-only', from: 'Bank <no-reply@bank.example>' }), /plain e-mail address/);
    await assert.rejects(sender.send({ kind: 'password-reset', to: 'victim@example.com\r\nBcc: attacker@example.com', subject: 'x', text: 'x' }), /plain e-mail address/);
    await assert.rejects(sender.send({ kind: 'password-reset', to: 'a@example.com, b@example.com', subject: 'x', text: 'x' }), /plain e-mail address/);
  });
});
