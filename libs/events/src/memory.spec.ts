import { InMemoryEventLog, InMemoryPositionStore } from './memory';
import { eventLogFeatures, testEvent } from './testing/event-log.features';

eventLogFeatures('in memory', {
  async setup() {
    const log = new InMemoryEventLog();
    let next = 1;
    const appended = new Map<number, ReturnType<typeof testEvent>>();
    return {
      log,
      async append(count) {
        const events = Array.from({ length: count }, () => testEvent(next++));
        events.forEach((e) => appended.set(e.seq, e));
        log.append(...events);
        return events.map((e) => e.seq);
      },
      async rollback(count) {
        next += count;
      },
      async duplicate(seqs) {
        log.append(...seqs.map((s) => appended.get(s)!));
      },
      teardown: () => log.close(),
    };
  },
});

describe('InMemoryPositionStore', () => {
  it('moves forward on commit, never back; reset moves anywhere', async () => {
    const p = new InMemoryPositionStore();
    expect(await p.get('c')).toBeUndefined();
    await p.commit('c', 10);
    await p.commit('c', 7);
    expect((await p.get('c'))?.seq).toBe(10);
    await p.reset('c', 3);
    expect((await p.get('c'))?.seq).toBe(3);
  });
});
