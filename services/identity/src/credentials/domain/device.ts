// Device recognition. A device is what the client presents as its fingerprint (a long-lived,
// random device cookie is the intended input, optionally with the user agent); only its SHA-256
// is stored. A login from a device the user has not confirmed, or from a country the device was
// not last seen in, must be confirmed by a second factor or an e-mail link.

export type DeviceTrust = 'recognised' | 'new-device' | 'new-country';

export interface DeviceRecordView {
  readonly confirmedAtMs: number | null;
  readonly lastCountry: string | null;
}

export const deviceFingerprintLengthMax = 512;
export const deviceFingerprintLengthMin = 16;

export function decideDeviceTrust(device: DeviceRecordView | undefined, country: string | null): DeviceTrust {
  if (device === undefined || device.confirmedAtMs === null) return 'new-device';
  if (country !== null && device.lastCountry !== null && device.lastCountry !== country) return 'new-country';
  return 'recognised';
}

/** ISO 3166-1 alpha-2, upper case; anything else is treated as unknown (null). */
export function normaliseCountry(country: string | undefined | null): string | null {
  if (country === undefined || country === null) return null;
  const upper = country.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(upper) ? upper : null;
}

export function isValidDeviceFingerprint(fingerprint: string): boolean {
  return fingerprint.length >= deviceFingerprintLengthMin && fingerprint.length <= deviceFingerprintLengthMax;
}
