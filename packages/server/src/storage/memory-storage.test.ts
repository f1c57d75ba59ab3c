import { MemoryStorage } from './memory-storage.js';
import { runStorageContract } from './storage-contract.js';

runStorageContract('MemoryStorage', async () => new MemoryStorage());
