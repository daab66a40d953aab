export * from './errors.ts';
export * from './audit.ts';
