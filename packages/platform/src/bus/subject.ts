// NATS-style subjects, used by both bus adapters so they agree on what matches what:
// tokens separated by '.', '*' matches exactly one token, '>' (last token only) matches one or
// more tokens. `market.*.trades` matches `market.BTC-TRY.trades`; `market.>` matches both
// `market.BTC-TRY.trades` and `market.BTC-TRY.book.delta`.

export const subjectLengthMax = 256;
export const subjectTokensMax = 16;
export const durableNameLengthMax = 64;

// Printable ASCII except space, '.', '*' and '>' inside a literal token.
const literalTokenPattern = /^[!-)+-\-/-=?-~]+$/;
const durableNamePattern = /^[A-Za-z0-9_-]+$/;

/** A subject messages can be published to: no wildcards. */
export function isPublishSubject(subject: string): boolean {
  const tokens = splitSubject(subject);
  return tokens !== undefined && tokens.every((token) => literalTokenPattern.test(token));
}

/** A subject pattern a subscription may use: wildcards allowed. */
export function isSubscribeSubject(pattern: string): boolean {
  const tokens = splitSubject(pattern);
  if (tokens === undefined) return false;
  return tokens.every((token, index) => {
    if (token === '*') return true;
    if (token === '>') return index === tokens.length - 1;
    return literalTokenPattern.test(token);
  });
}

export function isDurableName(name: string): boolean {
  return name.length > 0 && name.length <= durableNameLengthMax && durableNamePattern.test(name);
}

export function subjectMatches(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const subjectTokens = subject.split('.');
  for (let index = 0; index < patternTokens.length; index++) {
    const token = patternTokens[index];
    if (token === '>') return subjectTokens.length > index;
    const subjectToken = subjectTokens[index];
    if (subjectToken === undefined) return false;
    if (token !== '*' && token !== subjectToken) return false;
  }
  return patternTokens.length === subjectTokens.length;
}

function splitSubject(subject: string): string[] | undefined {
  if (subject.length === 0 || subject.length > subjectLengthMax) return undefined;
  const tokens = subject.split('.');
  if (tokens.length > subjectTokensMax || tokens.some((token) => token.length === 0)) return undefined;
  return tokens;
}
