// The shape of a CLI command and the helpers to read its options. Options are parsed with
// node:util parseArgs in strict mode: an unknown option or a missing value is a usage error, never
// silently ignored. Every command also takes --help and --json.

import { parseArgs } from 'node:util';
import type { Output } from './output.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given more than once (values accumulate). */
  multiple?: boolean;
  /** Shown in --help, e.g. `<usr_…|email>`. */
  valueName?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  /** Configuration comes from here, with the same variables as the server (loadConfig). */
  environment: Record<string, string | undefined>;
  output: Output;
}

export interface Command {
  name: string;
  summary: string;
  /** Longer help: what it does, what it needs running, what it prints. */
  details: string;
  options: Record<string, OptionSpec>;
  run(values: OptionValues, context: CommandContext): Promise<number>;
}

/** A command line that cannot be run as written: reported with the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const commonOptions: Record<string, OptionSpec> = {
  help: { type: 'boolean', description: 'Show this help' },
  json: { type: 'boolean', description: 'Print the result as one JSON document' },
};

export function parseCommandArguments(command: Command, argv: readonly string[]): OptionValues {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...commonOptions, ...command.options })) {
    options[name] = { type: spec.type, ...(spec.multiple === true ? { multiple: true } : {}) };
  }
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as OptionValues;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: npm run cli -- ${command.name} [options]`, '', command.summary, '', command.details, '', 'Options:'];
  for (const [name, spec] of Object.entries({ ...command.options, ...commonOptions })) {
    const flag = spec.type === 'string' ? `--${name} ${spec.valueName ?? '<value>'}` : `--${name}`;
    lines.push(`  ${flag.padEnd(34)} ${spec.description}${spec.multiple === true ? ' (repeatable)' : ''}`);
  }
  return lines.join('\n');
}

export function optionalString(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError(`--${name} takes one value`);
  return value;
}

export function requiredString(values: OptionValues, name: string): string {
  const value = optionalString(values, name);
  if (value === undefined || value.length === 0) throw new UsageError(`--${name} is required`);
  return value;
}

/** Values of a repeatable option, each also split at commas: `--ip a --ip b,c`. */
export function stringList(values: OptionValues, name: string): string[] {
  const value = values[name];
  const raw = value === undefined ? [] : Array.isArray(value) ? value : [String(value)];
  return raw.flatMap((entry) => entry.split(',')).map((entry) => entry.trim()).filter((entry) => entry.length > 0);
}

export function optionalInteger(values: OptionValues, name: string, minimum: number, maximum: number): number | undefined {
  const text = optionalString(values, name);
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(text)) throw new UsageError(`--${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < minimum || value > maximum) throw new UsageError(`--${name} must be between ${minimum} and ${maximum}`);
  return value;
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}
