// argon2id password hashing (@node-rs/argon2), with the parameters a bank can defend:
//
//   memoryCost  65536 KiB (64 MiB)  RFC 9106's second recommended setting; far above OWASP's
//                                    19 MiB floor. Memory is what makes GPU/ASIC guessing costly.
//   timeCost    3 passes             RFC 9106 pairs 3 passes with 64 MiB.
//   parallelism 1 lane               the server's parallelism is across concurrent logins, not
//                                    within one hash; more lanes here only add latency on the
//                                    2-4 cores a bank VM has (measured: p=4 is 2.4x slower).
//   output      32 bytes, salt 16 random bytes (the library's default), version 0x13.
//
// About 65 ms per hash on the development machine; a login does one verify. At most
// hashConcurrencyMax hashes run at once (64 MiB each), and at most hashQueueMax wait: beyond
// that the service is overloaded and says so instead of exhausting memory.
import { ServiceError } from '@parite/contracts';
import { assert } from '@parite/kernel';
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from './ports.ts';

export interface Argon2Parameters {
  readonly memoryCostKib: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export const argon2ParametersDefault: Argon2Parameters = { memoryCostKib: 65_536, timeCost: 3, parallelism: 1 };
/** Hashes running at once: 4 x 64 MiB = 256 MiB at most, libuv's default thread pool size. */
export const hashConcurrencyMax = 4;
/** Hashes waiting for a slot; beyond this the service is overloaded. */
export const hashQueueMax = 256;
const outputLengthBytes = 32;
// The const enum is not importable under isolatedModules; 2 is Algorithm.Argon2id.
const argon2id = 2 as Algorithm;

export class Argon2PasswordHasher implements PasswordHasher {
  private readonly options: Options;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private dummy: Promise<string> | undefined;

  constructor(readonly parameters: Argon2Parameters = argon2ParametersDefault) {
    assert(Number.isSafeInteger(parameters.memoryCostKib) && parameters.memoryCostKib >= 8 * parameters.parallelism, 'argon2 memory cost');
    assert(Number.isSafeInteger(parameters.timeCost) && parameters.timeCost >= 1, 'argon2 time cost');
    assert(Number.isSafeInteger(parameters.parallelism) && parameters.parallelism >= 1 && parameters.parallelism <= 16, 'argon2 parallelism');
    this.options = {
      algorithm: argon2id,
      memoryCost: parameters.memoryCostKib,
      timeCost: parameters.timeCost,
      parallelism: parameters.parallelism,
      outputLen: outputLengthBytes,
    };
  }

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, this.options));
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    // A malformed stored hash is a refusal, not a crash (and not a bypass).
    return this.limited(() => verify(passwordHash, password).catch(() => false));
  }

  needsRehash(passwordHash: string): boolean {
    try {
      const parsed = parseOptions(passwordHash);
      return (
        !passwordHash.startsWith('$argon2id$') ||
        parsed.memoryCost !== this.parameters.memoryCostKib ||
        parsed.timeCost !== this.parameters.timeCost ||
        parsed.parallelism !== this.parameters.parallelism ||
        parsed.outputLen !== outputLengthBytes
      );
    } catch {
      return true;
    }
  }

  dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(32).toString('base64url'));
    return this.dummy;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= hashConcurrencyMax) {
      if (this.waiting.length >= hashQueueMax) throw new ServiceError('SERVICE_OVERLOADED', { dependency: 'password-hasher' });
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    }
  }
}
