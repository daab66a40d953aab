// Journal payloads: one command as UTF-8 JSON with exact bigints. JSON keeps the journal readable
// with standard tools during an incident; a binary codec can replace it behind these two functions.

import { jsonParseWithBigint, jsonStringifyWithBigint } from '@parite/kernel';
import type { ExchangeCommand } from '../domain/types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCommand(command: ExchangeCommand): Uint8Array {
  return encoder.encode(jsonStringifyWithBigint(command));
}

export function decodeCommand(payload: Uint8Array): ExchangeCommand {
  return jsonParseWithBigint(decoder.decode(payload)) as ExchangeCommand;
}
