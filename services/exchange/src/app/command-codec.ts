// Journal payloads: one command as UTF-8 JSON with exact bigints. JSON keeps the journal readable
// with standard tools during an incident; a binary codec can replace it behind these two functions.

import { jsonParseWithBigint, jsonStringifyWithBigint } from '@parite/kernel';
import type { ExchangeCommand } from '../domain/types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bigint fields of the hot commands, encoded without a per-key replacer (it dominated the cost). */
const bigintFields = ['priceUnits', 'quantityUnits'] as const;

export function encodeCommand(command: ExchangeCommand): Uint8Array {
  if (command.kind === 'order.cancel') return encoder.encode(JSON.stringify(command));
  if (command.kind !== 'order.place' && command.kind !== 'order.amend') {
    return encoder.encode(jsonStringifyWithBigint(command));
  }
  const plain: Record<string, unknown> = { ...command };
  for (const field of bigintFields) {
    const value = plain[field];
    if (typeof value === 'bigint') plain[field] = { $bigint: value.toString() };
  }
  return encoder.encode(JSON.stringify(plain));
}

export function decodeCommand(payload: Uint8Array): ExchangeCommand {
  return jsonParseWithBigint(decoder.decode(payload)) as ExchangeCommand;
}
