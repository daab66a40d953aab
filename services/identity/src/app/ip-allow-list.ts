// IP allow-lists: single addresses or CIDR blocks, IPv4 or IPv6, matched with node's BlockList.
import { BlockList, isIP } from 'node:net';

export type IpAllowListParse = { readonly ok: true; readonly entries: readonly string[] } | { readonly ok: false; readonly reason: string };

const cidrPattern = /^([^/]+)\/([0-9]{1,3})$/;

/** Validates and normalises entries (lower case, no spaces); an invalid entry refuses the list. */
export function parseIpAllowList(entries: readonly string[]): IpAllowListParse {
  const normalised: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    const cidr = cidrPattern.exec(entry);
    const address = cidr?.[1] ?? entry;
    const family = isIP(address);
    if (family === 0) return { ok: false, reason: `not an IP address or CIDR block: ${entry.slice(0, 64)}` };
    if (cidr !== null) {
      const prefix = Number(cidr[2]);
      if (prefix > (family === 4 ? 32 : 128)) return { ok: false, reason: `prefix too long: ${entry}` };
    }
    normalised.push(entry);
  }
  return { ok: true, entries: [...new Set(normalised)] };
}

/** Built once per key (the key cache keeps it), checked on every request. */
export function compileIpAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const cidr = cidrPattern.exec(entry);
    const address = cidr?.[1] ?? entry;
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (cidr !== null) list.addSubnet(address, Number(cidr[2]), family);
    else list.addAddress(address, family);
  }
  return list;
}

/** Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; match them as IPv4. */
export function ipAllowed(list: BlockList, ip: string): boolean {
  const address = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}
