export * from './types.ts';
export * from './exchange-core.ts';
export * from './state.ts';
export * from './markets.ts';
export * from './ledger.ts';
export * from './state-codec.ts';
export { clientOrderIdLengthMax } from './order-place.ts';
export { cancelAllOrdersMax } from './order-cancel-amend.ts';
export * from './catalogue.ts';
