// The e-mails the credential flows send: plain text (no HTML to render, no remote images to
// track, nothing a mail client can mangle into a different link). Links come from templates the
// deployment configures; the token is URL-encoded into the `{token}` placeholder.
import { assert } from '@parite/kernel';
import type { EmailMessage } from './ports.ts';

export interface CredentialLinkTemplates {
  /** e.g. https://exchange.bank.example/account/verify-email?token={token} */
  readonly emailVerification: string;
  readonly passwordReset: string;
  readonly deviceConfirmation: string;
}

export function credentialLinkTemplates(publicBaseUrl: string): CredentialLinkTemplates {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    emailVerification: `${base}/account/verify-email?token={token}`,
    passwordReset: `${base}/account/reset-password?token={token}`,
    deviceConfirmation: `${base}/account/confirm-device?token={token}`,
  };
}

export function assertLinkTemplates(templates: CredentialLinkTemplates): void {
  for (const template of Object.values(templates)) {
    assert(template.split('{token}').length === 2, 'a link template holds {token} exactly once');
    assert(/^https?:\/\//.test(template), 'a link template is an absolute http(s) URL');
  }
}

export function link(template: string, token: string): string {
  return template.replace('{token}', encodeURIComponent(token));
}

export interface MessageContext {
  readonly productName: string;
  readonly to: string;
}

function minutes(durationMs: number): string {
  return `${Math.round(durationMs / 60_000)} minutes`;
}

export function emailVerificationMessage(context: MessageContext, url: string, validForMs: number): EmailMessage {
  return {
    kind: 'email-verification',
    to: context.to,
    subject: `${context.productName}: confirm your e-mail address`,
    text: [
      `Confirm the e-mail address of your ${context.productName} account by opening this link:`,
      '',
      url,
      '',
      `The link works once and expires in ${minutes(validForMs)}.`,
      'If you did not open an account, ignore this message.',
    ].join('\n'),
  };
}

export function accountExistsMessage(context: MessageContext): EmailMessage {
  return {
    kind: 'account-exists',
    to: context.to,
    subject: `${context.productName}: someone tried to register with your address`,
    text: [
      `Someone tried to open a ${context.productName} account with this e-mail address, which already has one.`,
      'If it was you, sign in instead, or choose "Forgot password" on the sign-in page.',
      'If it was not you, no action is needed: your account was not changed.',
    ].join('\n'),
  };
}

export function passwordResetMessage(context: MessageContext, url: string, validForMs: number): EmailMessage {
  return {
    kind: 'password-reset',
    to: context.to,
    subject: `${context.productName}: reset your password`,
    text: [
      'Someone (hopefully you) asked to reset the password of your account. Open this link to choose a new one:',
      '',
      url,
      '',
      `The link works once and expires in ${minutes(validForMs)}. Your current password keeps working until then.`,
      'If you did not ask for this, ignore this message and consider changing your password.',
    ].join('\n'),
  };
}

export function passwordChangedMessage(context: MessageContext): EmailMessage {
  return {
    kind: 'password-changed',
    to: context.to,
    subject: `${context.productName}: your password was changed`,
    text: [
      'The password of your account was changed and every session was signed out.',
      'If this was not you, contact the bank immediately.',
    ].join('\n'),
  };
}

export interface DeviceDescription {
  readonly label: string;
  readonly ip: string;
  readonly country: string | null;
  readonly atIso: string;
}

function describeDevice(device: DeviceDescription): string[] {
  return [`  Device:  ${device.label}`, `  Address: ${device.ip}`, `  Country: ${device.country ?? 'unknown'}`, `  Time:    ${device.atIso}`];
}

export function deviceConfirmationMessage(context: MessageContext, url: string, validForMs: number, device: DeviceDescription): EmailMessage {
  return {
    kind: 'device-confirmation',
    to: context.to,
    subject: `${context.productName}: confirm a sign-in from a new device`,
    text: [
      'Your password was just used to sign in from a device or country we do not recognise:',
      '',
      ...describeDevice(device),
      '',
      'If this was you, confirm the device by opening this link, then sign in again:',
      '',
      url,
      '',
      `The link works once and expires in ${minutes(validForMs)}.`,
      'If this was NOT you, do not open the link: change your password now, someone knows it.',
    ].join('\n'),
  };
}

export function newDeviceLoginMessage(context: MessageContext, device: DeviceDescription): EmailMessage {
  return {
    kind: 'new-device-login',
    to: context.to,
    subject: `${context.productName}: new sign-in to your account`,
    text: ['Your account was signed in to from a new device or country:', '', ...describeDevice(device), '', 'If this was not you, contact the bank immediately.'].join('\n'),
  };
}

export function accountLockedMessage(context: MessageContext, lockedForMs: number): EmailMessage {
  return {
    kind: 'account-locked',
    to: context.to,
    subject: `${context.productName}: sign-in temporarily blocked`,
    text: [
      `After repeated wrong passwords, sign-in to your account is blocked for ${minutes(lockedForMs)}.`,
      'If this was not you, someone is guessing your password: consider resetting it and enabling two-factor authentication.',
    ].join('\n'),
  };
}
