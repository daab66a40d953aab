import type { EmailMessage, EmailSender } from '../../credentials/app/ports.ts';
import { isPlainEmailAddress } from './address.ts';

/** Keeps messages in memory: for tests and demos. */
export class MemoryEmailSender implements EmailSender {
  readonly messages: EmailMessage[] = [];

  async send(message: EmailMessage): Promise<void> {
    if (!isPlainEmailAddress(message.to)) throw new Error('the recipient is not one plain e-mail address');
    this.messages.push({ ...message });
  }
}
