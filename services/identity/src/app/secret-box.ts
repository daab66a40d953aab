// AES-256-GCM sealing of API key secrets. The server must know a key's secret to check HMACs,
// so the secret cannot be hashed like a password; it is encrypted under a master key that lives
// outside the database (a secret file), so a database dump alone reveals no usable key.
//
// Layout: version (1 byte) | IV (12 bytes, random per seal) | tag (16 bytes) | ciphertext.
// The associated data binds a ciphertext to its row (the key id): a sealed secret copied onto
// another key's row fails to open.
import { assert } from '@parite/kernel';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const masterKeyLengthBytes = 32;
const formatVersion = 1;
const ivLengthBytes = 12;
const tagLengthBytes = 16;
const headerLengthBytes = 1 + ivLengthBytes + tagLengthBytes;

export class SecretBox {
  private readonly masterKey: Buffer;

  constructor(masterKey: Buffer) {
    assert(masterKey.length === masterKeyLengthBytes, `the master key must be ${masterKeyLengthBytes} bytes`);
    this.masterKey = Buffer.from(masterKey);
  }

  seal(plaintext: Uint8Array, associatedData: string): Buffer {
    const iv = randomBytes(ivLengthBytes);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv, { authTagLength: tagLengthBytes });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([formatVersion]), iv, cipher.getAuthTag(), ciphertext]);
  }

  /** The plaintext, or undefined when the master key, the associated data or the bytes differ. */
  open(sealed: Uint8Array, associatedData: string): Buffer | undefined {
    if (sealed.length < headerLengthBytes || sealed[0] !== formatVersion) return undefined;
    const bytes = Buffer.from(sealed);
    const iv = bytes.subarray(1, 1 + ivLengthBytes);
    const tag = bytes.subarray(1 + ivLengthBytes, headerLengthBytes);
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, iv, { authTagLength: tagLengthBytes });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(headerLengthBytes)), decipher.final()]);
    } catch {
      return undefined;
    }
  }
}
