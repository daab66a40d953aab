// @parite/approvals: four-eyes (maker-checker) for sensitive actions of every service.
import { fileURLToPath } from 'node:url';

export * from './domain/approval.ts';
export type { ApprovalStore, NewApproval } from './app/ports.ts';
export { ApprovalService, approvalListLimitMax } from './app/approval-service.ts';
export type { ApprovalExecutor, ApprovalRequest, ApprovalServiceOptions } from './app/approval-service.ts';
export { MemoryApprovalStore } from './adapters/memory-store.ts';
export { PostgresApprovalStore } from './adapters/postgres-store.ts';
export { approvalsPlugin, approvalView, ApprovalReply, deciderOf } from './http/plugin.ts';
export type { ApprovalsPluginOptions } from './http/plugin.ts';

/** For the platform migration runner. */
export const approvalsMigrations = { module: 'approvals', directory: fileURLToPath(new URL('../migrations', import.meta.url)) };
