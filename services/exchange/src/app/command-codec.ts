// Journal payloads: one command as UTF-8 JSON with exact bigints. JSON keeps the journal readable
// with standard tools during an incident; a binary codec can replace it behind these two functions.

import { jsonParseWithBigint, jsonStringifyWithBigint } from '@parite/kernel';
import type { ExchangeCommand, OrderAmendCommand, OrderCancelCommand, OrderPlaceCommand } from '../domain/types.ts';

const decoder = new TextDecoder();

type FieldWriters<Command> = { readonly [Field in keyof Command]-?: (command: Command) => string | undefined };

/** `"name":value`, or nothing for an absent value (as JSON.stringify drops undefined). */
const text = (value: string | undefined): string | undefined => (value === undefined ? undefined : JSON.stringify(value));
const integer = (value: number | undefined): string | undefined => (value === undefined ? undefined : String(value));
const units = (value: bigint | undefined): string | undefined => (value === undefined ? undefined : `{"$bigint":"${value}"}`);

// The hot commands are written field by field: the same JSON as jsonStringifyWithBigint gives, without
// copying the command or calling a replacer per key (order entry journals one per order). The mapped
// types list every field of the command, so a field added to a command fails to compile until it is
// written here too; anything else could silently drop it from the journal.
const placeFields: FieldWriters<OrderPlaceCommand> = {
  kind: () => '"order.place"', ownerId: (command) => integer(command.ownerId), symbol: (command) => text(command.symbol),
  clientOrderId: (command) => text(command.clientOrderId), side: (command) => integer(command.side),
  type: (command) => text(command.type), timeInForce: (command) => integer(command.timeInForce),
  postOnly: (command) => String(command.postOnly), priceUnits: (command) => units(command.priceUnits),
  quantityUnits: (command) => units(command.quantityUnits),
  selfTradePrevention: (command) => integer(command.selfTradePrevention),
};
const cancelFields: FieldWriters<OrderCancelCommand> = {
  kind: () => '"order.cancel"', ownerId: (command) => integer(command.ownerId), symbol: (command) => text(command.symbol),
  orderId: (command) => integer(command.orderId), clientOrderId: (command) => text(command.clientOrderId),
};
const amendFields: FieldWriters<OrderAmendCommand> = {
  kind: () => '"order.amend"', ownerId: (command) => integer(command.ownerId), symbol: (command) => text(command.symbol),
  orderId: (command) => integer(command.orderId), priceUnits: (command) => units(command.priceUnits),
  quantityUnits: (command) => units(command.quantityUnits),
};

function writeFields<Command>(command: Command, fields: FieldWriters<Command>): string {
  let json = '';
  for (const name in fields) {
    const value = fields[name](command);
    if (value !== undefined) json += `${json.length === 0 ? '{' : ','}"${name}":${value}`;
  }
  return `${json}}`;
}

// Buffer.from, not TextEncoder: the same UTF-8 bytes in about half the time for these short texts
// (it fills a slice of a shared pool instead of allocating a buffer per call).
export function encodeCommand(command: ExchangeCommand): Uint8Array {
  switch (command.kind) {
    case 'order.place': return Buffer.from(writeFields(command, placeFields), 'utf8');
    case 'order.cancel': return Buffer.from(writeFields(command, cancelFields), 'utf8');
    case 'order.amend': return Buffer.from(writeFields(command, amendFields), 'utf8');
    default: return Buffer.from(jsonStringifyWithBigint(command), 'utf8');
  }
}

export function decodeCommand(payload: Uint8Array): ExchangeCommand {
  return jsonParseWithBigint(decoder.decode(payload)) as ExchangeCommand;
}
