// Recovery codes: the way back in when the authenticator is lost. Each is 16 base32 characters
// (80 random bits), shown as XXXX-XXXX-XXXX-XXXX. At 80 bits a plain SHA-256 of the code is
// enough at rest: nobody enumerates 2^80 candidates, so no slow hash is needed (unlike passwords).

export const recoveryCodesPerUser = 10;
export const recoveryCodeLengthCharacters = 16;
export const recoveryCodeRandomBytes = 10;
const groupLength = 4;

/** Display form: four groups of four, separated by dashes. */
export function formatRecoveryCode(base32: string): string {
  const groups: string[] = [];
  for (let index = 0; index < base32.length; index += groupLength) groups.push(base32.slice(index, index + groupLength));
  return groups.join('-');
}

/**
 * The canonical form hashed at rest: upper case, no separators. Digits base32 does not use are
 * read as the letters they resemble (0 -> O, 1 -> I, 8 -> B), as people copy codes from paper.
 */
export function normaliseRecoveryCode(input: string): string | undefined {
  const canonical = input.replace(/[\s-]/g, '').toUpperCase().replaceAll('0', 'O').replaceAll('1', 'I').replaceAll('8', 'B');
  if (canonical.length !== recoveryCodeLengthCharacters || !/^[A-Z2-7]+$/.test(canonical)) return undefined;
  return canonical;
}
