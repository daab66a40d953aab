import { MemoryIdentityStore } from '../src/index.ts';
import { storeContract } from './store-contract.ts';

storeContract('memory', () => Promise.resolve({ store: new MemoryIdentityStore(), close: () => Promise.resolve() }));
