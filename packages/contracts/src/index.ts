export * from './errors.ts';
export * from './audit.ts';
export * from './errors-doc.ts';
