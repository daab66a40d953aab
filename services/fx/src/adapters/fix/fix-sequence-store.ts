// Stores for sessions that keep sequence numbers across Logons (ResetSeqNumFlag=N). The file store
// writes QuickFIX-compatible files (.seqnums, .body, .header) so it survives a process restart.
import 'reflect-metadata';
import { FileSessionStore, MemorySessionStore, SessionId, type IFixSessionStore } from 'jspurefix';

export type FixSequenceStore = IFixSessionStore;

export function fixSessionId(senderCompId: string, targetCompId: string): SessionId {
  return new SessionId('FIX.4.4', senderCompId, targetCompId);
}

/** Keeps sequence numbers for the life of the process only. */
export function createMemorySequenceStore(senderCompId: string, targetCompId: string): FixSequenceStore {
  return new MemorySessionStore(fixSessionId(senderCompId, targetCompId));
}

/** Keeps sequence numbers (and sent messages, for resends) in `directory`. */
export function createFileSequenceStore(directory: string, senderCompId: string, targetCompId: string): FixSequenceStore {
  return FileSessionStore.createWithFiles(fixSessionId(senderCompId, targetCompId), directory);
}
