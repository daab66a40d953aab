// The projector thread's entry point. A worker thread does not inherit the TypeScript loader the
// platform runs under (`node --import tsx`), so it registers it before loading worker.ts.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entryUrl);
