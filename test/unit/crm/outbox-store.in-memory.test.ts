import { InMemoryOutboxStore } from './in-memory-outbox.store';
import { describeOutboxStoreContract } from './outbox-store.contract';

describeOutboxStoreContract('in-memory (test double)', async () => {
  const store = new InMemoryOutboxStore();
  return { store, enqueue: (m) => store.enqueue(m), read: (id) => store.read(id) };
});
