// The engine names markets `BTC/TRY`; URLs cannot carry the slash, so the public edge (REST and
// WebSocket alike) uses `BTC-TRY`. Both forms are accepted on input; output is always public.

export const publicSymbolPattern = '^[A-Z0-9]{2,12}-[A-Z0-9]{2,12}$';
const anySymbolPattern = /^[A-Z0-9]{2,12}[-/][A-Z0-9]{2,12}$/;
/** Longer input is refused before any parsing. */
export const symbolLengthMax = 25;

export function publicSymbol(engineSymbol: string): string {
  return engineSymbol.replace('/', '-');
}

/** `BTC-TRY` or `BTC/TRY` -> `BTC/TRY`; undefined when the text is not a symbol at all. */
export function engineSymbol(symbol: string): string | undefined {
  if (symbol.length > symbolLengthMax || !anySymbolPattern.test(symbol)) return undefined;
  return symbol.replace('-', '/');
}
