// The one error catalogue. Every failure a client can see has a stable code here, with its HTTP
// status and a message. Codes are grouped by area (REQUEST_, AUTH_, MARKET_, ORDER_, LEDGER_, ...).
// docs/errors.md is generated from this table and a test keeps the two in sync.

export interface ErrorDefinition {
  readonly httpStatus: number;
  readonly message: string;
}

export const errorCatalogue = {
  // Request shape
  REQUEST_MALFORMED_JSON: { httpStatus: 400, message: 'The request body is not valid JSON.' },
  REQUEST_VALIDATION_FAILED: { httpStatus: 400, message: 'The request does not match the schema of this route.' },
  REQUEST_BODY_TOO_LARGE: { httpStatus: 413, message: 'The request body exceeds the size limit.' },
  REQUEST_UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, message: 'The content type is not supported; send application/json.' },
  REQUEST_NOT_FOUND: { httpStatus: 404, message: 'No route matches this method and path.' },
  REQUEST_METHOD_NOT_ALLOWED: { httpStatus: 405, message: 'The method is not allowed on this path.' },
  REQUEST_BATCH_TOO_LARGE: { httpStatus: 400, message: 'The batch holds more items than allowed.' },
  REQUEST_RATE_LIMITED: { httpStatus: 429, message: 'Too many requests; slow down.' },
  REQUEST_IDEMPOTENCY_CONFLICT: { httpStatus: 409, message: 'The idempotency key was already used with a different request.' },
  REQUEST_MALFORMED: { httpStatus: 400, message: 'The request is malformed (URL, headers or framing).' },
  // Decimal amounts at the edge
  DECIMAL_NOT_A_STRING: { httpStatus: 400, message: 'Amounts and prices are decimal strings, not numbers.' },
  DECIMAL_MALFORMED: { httpStatus: 400, message: 'The decimal string is malformed (no exponent, sign, spaces or leading zeros).' },
  DECIMAL_TOO_PRECISE: { httpStatus: 400, message: 'The decimal has more fraction digits than the asset or market allows.' },
  DECIMAL_NEGATIVE: { httpStatus: 400, message: 'The value must not be negative.' },
  DECIMAL_TOO_LARGE: { httpStatus: 400, message: 'The value is larger than allowed.' },
  // Authentication and authorisation
  AUTH_REQUIRED: { httpStatus: 401, message: 'Authentication is required.' },
  AUTH_INVALID_API_KEY: { httpStatus: 401, message: 'The API key is unknown, revoked or expired.' },
  AUTH_INVALID_SIGNATURE: { httpStatus: 401, message: 'The request signature does not match.' },
  AUTH_TIMESTAMP_OUT_OF_WINDOW: { httpStatus: 401, message: 'The request timestamp is outside the receive window.' },
  AUTH_REPLAYED_REQUEST: { httpStatus: 401, message: 'This signed request was already received.' },
  AUTH_FORBIDDEN: { httpStatus: 403, message: 'The principal lacks the permission for this action.' },
  // Identity and access (interactive sign-in, bearer tokens, step-up).
  AUTH_INVALID_ACCESS_TOKEN: { httpStatus: 401, message: 'The access token is invalid, expired or its session has ended.' },
  AUTH_SESSION_REQUIRED: { httpStatus: 403, message: 'This action needs an interactive sign-in on the platform\'s own application, not an API key or a partner application.' },
  AUTH_STEP_UP_REQUIRED: { httpStatus: 403, message: 'Confirm it is you (second factor) before this action, then retry.' },
  AUTH_SECOND_FACTOR_REQUIRED: { httpStatus: 403, message: 'Enable two-factor authentication before this action.' },
  AUTH_CODE_INVALID: { httpStatus: 400, message: 'The code or the password is not correct.' },
  AUTH_SESSION_UNKNOWN: { httpStatus: 404, message: 'The session does not exist or is not yours.' },
  AUTH_DEVICE_UNKNOWN: { httpStatus: 404, message: 'The device does not exist or is not yours.' },
  // Markets and assets
  MARKET_UNKNOWN: { httpStatus: 404, message: 'The market does not exist.' },
  MARKET_HALTED: { httpStatus: 409, message: 'The market is halted.' },
  MARKET_CANCEL_ONLY: { httpStatus: 409, message: 'The market accepts cancels only.' },
  MARKET_ALREADY_EXISTS: { httpStatus: 409, message: 'A market with this symbol already exists.' },
  MARKET_INVALID_PARAMETERS: { httpStatus: 400, message: 'The market parameters are inconsistent.' },
  ASSET_UNKNOWN: { httpStatus: 404, message: 'The asset does not exist.' },
  ASSET_ALREADY_EXISTS: { httpStatus: 409, message: 'An asset with this code already exists.' },
  // Orders
  ORDER_PRICE_NOT_ON_TICK: { httpStatus: 400, message: 'The price is not a multiple of the tick size.' },
  ORDER_QUANTITY_NOT_ON_LOT: { httpStatus: 400, message: 'The quantity is not a multiple of the lot size.' },
  ORDER_QUANTITY_TOO_SMALL: { httpStatus: 400, message: 'The quantity is below the market minimum.' },
  ORDER_QUANTITY_TOO_LARGE: { httpStatus: 400, message: 'The quantity is above the market maximum.' },
  ORDER_NOTIONAL_TOO_SMALL: { httpStatus: 400, message: 'The order value is below the market minimum notional.' },
  ORDER_PRICE_OUT_OF_BAND: { httpStatus: 400, message: 'The price is outside the allowed band around the reference price.' },
  ORDER_PRICE_REQUIRED: { httpStatus: 400, message: 'A limit order needs a price.' },
  ORDER_PRICE_NOT_ALLOWED: { httpStatus: 400, message: 'A market order takes no price.' },
  ORDER_INVALID_TIME_IN_FORCE: { httpStatus: 400, message: 'This time in force is not allowed for this order type.' },
  ORDER_POST_ONLY_WOULD_TAKE: { httpStatus: 409, message: 'The post-only order would have matched immediately.' },
  ORDER_FILL_OR_KILL_UNFILLABLE: { httpStatus: 409, message: 'The fill-or-kill order cannot be filled completely.' },
  ORDER_NO_LIQUIDITY: { httpStatus: 409, message: 'The market order found no liquidity within its protection price.' },
  ORDER_NO_REFERENCE_PRICE: { httpStatus: 409, message: 'The market has no reference price to protect a market order.' },
  ORDER_UNKNOWN: { httpStatus: 404, message: 'The order does not exist or is not yours.' },
  ORDER_NOT_OPEN: { httpStatus: 409, message: 'The order is no longer open.' },
  ORDER_DUPLICATE_CLIENT_ID: { httpStatus: 409, message: 'An order with this client order id exists with different parameters.' },
  ORDER_OPEN_ORDERS_LIMIT: { httpStatus: 409, message: 'The account has reached its open-order limit.' },
  ORDER_AMEND_NO_CHANGE: { httpStatus: 400, message: 'The amendment changes nothing.' },
  ORDER_AMEND_NOT_ALLOWED: { httpStatus: 409, message: 'This order cannot be amended that way.' },
  ORDER_BOOK_FULL: { httpStatus: 503, message: 'The order book is at capacity.' },
  // Ledger and balances
  LEDGER_INSUFFICIENT_FUNDS: { httpStatus: 409, message: 'The available balance is insufficient.' },
  LEDGER_AMOUNT_INVALID: { httpStatus: 400, message: 'The amount must be positive.' },
  LEDGER_BALANCE_LIMIT: { httpStatus: 409, message: 'The resulting balance would exceed the ledger limit (2^63 - 1 units).' },
  LEDGER_ACCOUNT_UNKNOWN: { httpStatus: 404, message: 'The ledger account does not exist.' },
  LEDGER_SHARD_INVALID: { httpStatus: 400, message: 'The engine shard named by the transfer does not exist or is this shard.' },
  // Engine shards
  SHARD_CONFIGURATION_CONFLICT: { httpStatus: 409, message: 'The engine shard was already configured differently or already holds state.' },
  // Users and keys
  USER_UNKNOWN: { httpStatus: 404, message: 'The user does not exist.' },
  USER_ALREADY_EXISTS: { httpStatus: 409, message: 'A user with this e-mail already exists.' },
  USER_DISABLED: { httpStatus: 403, message: 'The user is disabled.' },
  USER_INVALID_PARAMETERS: { httpStatus: 400, message: 'The user parameters are invalid (e-mail, roles or fee tier).' },
  API_KEY_UNKNOWN: { httpStatus: 404, message: 'The API key does not exist or is not yours.' },
  API_KEY_LIMIT_REACHED: { httpStatus: 409, message: 'The user has reached the maximum number of active API keys.' },
  API_KEY_INVALID_PARAMETERS: { httpStatus: 400, message: 'The API key parameters are invalid (scopes, IP allow-list, label or expiry).' },
  // Four-eyes approvals (maker-checker)
  APPROVAL_UNKNOWN: { httpStatus: 404, message: 'The approval request does not exist.' },
  APPROVAL_NOT_PENDING: { httpStatus: 409, message: 'The approval request was already decided, cancelled or expired.' },
  APPROVAL_SELF_DECISION: { httpStatus: 403, message: 'The maker of a request cannot approve or reject it; a second person must.' },
  APPROVAL_NOT_MAKER: { httpStatus: 403, message: 'Only the maker of a request can cancel it.' },
  APPROVAL_PENDING_LIMIT: { httpStatus: 409, message: 'Too many approval requests are pending; decide some first.' },
  // WebSocket protocol (replies on the socket; the HTTP status only documents the class of failure)
  WS_MESSAGE_INVALID: { httpStatus: 400, message: 'The WebSocket message is not a valid JSON request of this protocol.' },
  WS_MESSAGE_TOO_LARGE: { httpStatus: 413, message: 'The WebSocket message exceeds the size limit.' },
  WS_UNKNOWN_OPERATION: { httpStatus: 400, message: 'The WebSocket operation is unknown.' },
  WS_UNKNOWN_CHANNEL: { httpStatus: 400, message: 'The WebSocket channel is unknown.' },
  WS_TOO_MANY_SUBSCRIPTIONS: { httpStatus: 409, message: 'The connection holds the maximum number of subscriptions.' },
  WS_RATE_LIMITED: { httpStatus: 429, message: 'Too many WebSocket messages; slow down.' },
  WS_TOO_MANY_PENDING: { httpStatus: 429, message: 'Too many operations in progress on this connection.' },
  WS_BACKPRESSURE: { httpStatus: 503, message: 'The connection was closed because it did not read its messages fast enough.' },
  WS_TOO_MANY_CONNECTIONS: { httpStatus: 503, message: 'The server holds the maximum number of WebSocket connections.' },
  // Service state
  SERVICE_NOT_READY: { httpStatus: 503, message: 'The service is starting or recovering; retry shortly.' },
  SERVICE_OVERLOADED: { httpStatus: 503, message: 'The service is overloaded; retry shortly.' },
  SERVICE_UNAVAILABLE: { httpStatus: 503, message: 'A dependency is unavailable; retry shortly.' },
  INTERNAL_ERROR: { httpStatus: 500, message: 'An internal error occurred; it has been logged.' },
  // Customer FX conversions (quotes, last look, daily limits; the conversion command in the exchange core)
  FX_PAIR_UNKNOWN: { httpStatus: 404, message: 'The currency pair is not offered for conversion.' },
  FX_RATE_UNAVAILABLE: { httpStatus: 503, message: 'There is no current rate for this pair; retry shortly.' },
  FX_CONVERSION_RATE_INVALID: { httpStatus: 400, message: 'The conversion rate must be a positive integer at the FX rate scale.' },
  FX_CONVERSION_AMOUNT_MISMATCH: { httpStatus: 400, message: 'The counter amount does not follow from the base amount and the rate.' },
  FX_QUOTE_CURRENCY_INVALID: { httpStatus: 400, message: 'The amount currency is neither currency of the pair.' },
  FX_QUOTE_AMOUNT_TOO_SMALL: { httpStatus: 400, message: 'The amount converts to nothing at this rate; ask for more.' },
  FX_QUOTE_UNKNOWN: { httpStatus: 404, message: 'The quote does not exist or is not yours.' },
  FX_QUOTE_EXPIRED: { httpStatus: 410, message: 'The quote has expired; request a new one.' },
  FX_QUOTE_ALREADY_ACCEPTED: { httpStatus: 409, message: 'The quote was already accepted; a quote is dealt at most once.' },
  FX_QUOTE_TERMS_MISMATCH: { httpStatus: 409, message: 'The terms sent with the acceptance differ from the quote.' },
  FX_QUOTE_RATE_MOVED: { httpStatus: 409, message: 'The rate moved beyond the last-look tolerance since the quote; request a new one.' },
  FX_QUOTE_LIMIT_EXCEEDED: { httpStatus: 409, message: 'The conversion would exceed your daily conversion limit.' },
  // FX rate engine: rates, sources, margins, overrides, holidays, history
  FX_SOURCE_UNKNOWN: { httpStatus: 404, message: 'The rate source is not configured.' },
  FX_SEGMENT_UNKNOWN: { httpStatus: 400, message: 'The customer segment is not configured.' },
  FX_TIER_UNKNOWN: { httpStatus: 400, message: 'The amount tier is not configured.' },
  FX_SETTINGS_INVALID: { httpStatus: 400, message: 'The FX settings change is invalid; see details.problems.' },
  FX_OVERRIDE_INVALID: { httpStatus: 400, message: 'The rate override is invalid (margins, mid outside the sane range, or expiry over 24 h).' },
  FX_OVERRIDE_NOT_FOUND: { httpStatus: 404, message: 'No rate override is in force for this pair.' },
  FX_HOLIDAY_EXISTS: { httpStatus: 409, message: 'The holiday calendar already has an entry on this date.' },
  FX_HOLIDAY_NOT_FOUND: { httpStatus: 404, message: 'The holiday calendar has no entry on this date.' },
  FX_RATE_NOT_FOUND: { httpStatus: 404, message: 'No rate was in force for this pair, segment and tier at that time.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalogue;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(errorCatalogue, value);
}

/** A typed, expected failure. Thrown at the edges (HTTP, CLI); the domain returns codes instead. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ErrorCode,
    readonly details?: Record<string, unknown>,
    message?: string,
  ) {
    // An expected failure is answered, not debugged: no stack trace is captured for it (a refused
    // order or a cancel that lost the race paid for one on the hot path). Server faults keep theirs.
    const stackTraceLimit = Error.stackTraceLimit;
    if (errorCatalogue[code].httpStatus < 500) Error.stackTraceLimit = 0;
    super(message ?? errorCatalogue[code].message);
    Error.stackTraceLimit = stackTraceLimit;
  }
  get httpStatus(): number {
    return errorCatalogue[this.code].httpStatus;
  }
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; requestId?: string };
}
