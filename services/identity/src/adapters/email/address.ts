// A recipient or sender address as the e-mail adapters accept it: one address, no display name,
// no CR/LF or other control characters (no header injection), within RFC 5321's 254 characters.
const addressPattern = /^[^\s@<>",;\p{Cc}]{1,64}@[^\s@<>",;\p{Cc}]{1,189}$/u;

export function isPlainEmailAddress(address: string): boolean {
  return address.length <= 254 && addressPattern.test(address);
}
