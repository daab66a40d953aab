// Field parsers for loadConfig. Each one records problems instead of throwing, so one ConfigError
// can list everything wrong at once. Values of secret-bearing variables are never echoed.

export class ConfigProblems {
  readonly list: string[] = [];
  add(problem: string): void {
    this.list.push(problem);
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Unset and empty variables are treated alike: an empty PORT= means "use the default". */
export function readVariable(environment: Environment, name: string): string | undefined {
  const value = environment[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed.length === 0 ? undefined : trimmed;
}

export function parseInteger(
  problems: ConfigProblems,
  environment: Environment,
  name: string,
  range: { defaultValue: number; minimum: number; maximum: number },
): number {
  const raw = readVariable(environment, name);
  if (raw === undefined) return range.defaultValue;
  if (!/^[0-9]+$/.test(raw)) {
    problems.add(`${name} must be an integer, got "${raw}"`);
    return range.defaultValue;
  }
  const value = Number(raw);
  if (value < range.minimum || value > range.maximum) {
    problems.add(`${name} must be between ${range.minimum} and ${range.maximum}, got ${raw}`);
    return range.defaultValue;
  }
  return value;
}

export function parseBoolean(
  problems: ConfigProblems,
  environment: Environment,
  name: string,
  defaultValue: boolean,
): boolean {
  const raw = readVariable(environment, name);
  if (raw === undefined) return defaultValue;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1' || lower === 'yes') return true;
  if (lower === 'false' || lower === '0' || lower === 'no') return false;
  problems.add(`${name} must be true or false, got "${raw}"`);
  return defaultValue;
}

export function parseChoice<T extends string>(
  problems: ConfigProblems,
  environment: Environment,
  name: string,
  choices: readonly T[],
  defaultValue: T,
): T {
  const raw = readVariable(environment, name);
  if (raw === undefined) return defaultValue;
  const found = choices.find((choice) => choice === raw);
  if (found === undefined) {
    problems.add(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
    return defaultValue;
  }
  return found;
}

/**
 * Connection URLs may carry credentials, so a malformed one is reported by variable name only.
 */
export function parseUrl(
  problems: ConfigProblems,
  environment: Environment,
  name: string,
  protocols: readonly string[],
): string | undefined {
  const raw = readVariable(environment, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.add(`${name} is not a valid URL (value not shown: it may contain credentials)`);
    return undefined;
  }
  if (!protocols.includes(url.protocol)) {
    problems.add(`${name} must use one of ${protocols.join(' ')} (got ${url.protocol})`);
    return undefined;
  }
  if (url.hostname.length === 0) {
    problems.add(`${name} must name a host`);
    return undefined;
  }
  return raw;
}
