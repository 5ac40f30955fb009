/**
 * The behaviour every EventLog must have, as one Jest suite run against each implementation (in memory,
 * Postgres tail, Kafka). A fixture supplies a fresh, empty log per test and ways to put events into it.
 */
import type { ConfigEvent } from '../envelope';
import type { EventLog, EventSubscription } from '../event-log';

export interface EventLogTestContext {
  log: EventLog;
  /** Commits `count` new events (in one write) and returns their seqs. */
  append(count: number): Promise<number[]>;
  /** Burns `count` seqs that will never be committed (a rolled-back write). */
  rollback(count: number): Promise<void>;
  /** Puts already appended events into the log again, if the carrier can hold duplicates at all. */
  duplicate?(seqs: number[]): Promise<void>;
  teardown(): Promise<void>;
}

export interface EventLogFixture {
  setup(): Promise<EventLogTestContext>;
}

export function testEvent(seq: number, overrides: Partial<ConfigEvent> = {}): ConfigEvent {
  const uuid = `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`;
  return {
    seq,
    id: `10000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`,
    ts: new Date().toISOString().replace('Z', '000Z'),
    oper: 'CREATE',
    type: 'virtual-network',
    uuid,
    fq_name: ['default-domain', 'default-project', `vn-${seq}`],
    version: 1,
    object: { uuid, display_name: `vn-${seq}` },
    actor: 'test',
    request_id: `req-${seq}`,
    tx_id: '0',
    ...overrides,
  };
}

/** Subscribes and records every batch; `until(n)` waits for n events in total. */
export function recorder(log: EventLog, afterSeq: number, maxBatch?: number) {
  const batches: ConfigEvent[][] = [];
  const events: ConfigEvent[] = [];
  let wake = () => {};
  const sub: EventSubscription = log.subscribe(
    afterSeq,
    async (batch) => {
      batches.push(batch);
      events.push(...batch);
      wake();
    },
    { maxBatch },
  );
  async function until(n: number, timeoutMs = 20_000): Promise<ConfigEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (events.length < n) {
      if (Date.now() > deadline) throw new Error(`got ${events.length} of ${n} events in ${timeoutMs} ms`);
      await Promise.race([
        new Promise<void>((r) => (wake = r)),
        new Promise((r) => setTimeout(r, 50)),
        sub.done,
      ]);
    }
    return events;
  }
  return { sub, batches, events, until, seqs: () => events.map((e) => e.seq) };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function eventLogFeatures(name: string, fixture: EventLogFixture): void {
  describe(`EventLog behaviour: ${name}`, () => {
    let ctx: EventLogTestContext;
    beforeEach(async () => {
      ctx = await fixture.setup();
    });
    afterEach(async () => {
      await ctx.teardown();
    });

    it('delivers committed events in seq order, in bounded batches', async () => {
      const seqs = [...(await ctx.append(7)), ...(await ctx.append(1)), ...(await ctx.append(17))];
      const r = recorder(ctx.log, 0, 10);
      await r.until(25);
      expect(r.seqs()).toEqual(seqs);
      expect(r.batches.every((b) => b.length >= 1 && b.length <= 10)).toBe(true);
      expect(r.events[0]).toMatchObject({ oper: 'CREATE', type: 'virtual-network', actor: 'test' });
      expect(r.events[0].ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      await r.sub.stop();
    });

    it('tails live: events committed after subscribing arrive', async () => {
      const r = recorder(ctx.log, 0);
      await settle(100);
      expect(r.events).toHaveLength(0);
      const a = await ctx.append(3);
      await r.until(3);
      const b = await ctx.append(2);
      await r.until(5);
      expect(r.seqs()).toEqual([...a, ...b]);
      await r.sub.stop();
    });

    it('resumes after a given seq', async () => {
      const seqs = await ctx.append(20);
      const r = recorder(ctx.log, seqs[11]);
      await r.until(8);
      await settle(100);
      expect(r.seqs()).toEqual(seqs.slice(12));
      expect(r.sub.lastSeq).toBe(seqs[19]);
      await r.sub.stop();
    });

    it('skips seqs that were never committed without stalling', async () => {
      const a = await ctx.append(3);
      await ctx.rollback(2);
      const b = await ctx.append(3);
      const r = recorder(ctx.log, 0);
      await r.until(6, 5_000);
      expect(r.seqs()).toEqual([...a, ...b]);
      expect(b[0]).toBeGreaterThan(a[2] + 2);
      await r.sub.stop();
    });

    it('reports the head seq', async () => {
      expect(await ctx.log.headSeq()).toBe(0);
      const seqs = await ctx.append(4);
      // A carrier fed asynchronously (a relay) may lag; the head only moves forward to the last seq.
      const deadline = Date.now() + 10_000;
      while ((await ctx.log.headSeq()) < seqs[3] && Date.now() < deadline) await settle(50);
      expect(await ctx.log.headSeq()).toBe(seqs[3]);
    });

    it('delivers each seq once even when the carrier repeats events', async () => {
      const a = await ctx.append(10);
      await ctx.duplicate?.(a.slice(5));
      const b = await ctx.append(5);
      await ctx.duplicate?.([...a.slice(8), ...b]);
      const r = recorder(ctx.log, 0, 4);
      await r.until(15);
      await settle(200);
      expect(r.seqs()).toEqual([...a, ...b]);
      await r.sub.stop();
    });

    it('stops: stop() resolves promptly, done resolves, nothing is delivered afterwards', async () => {
      const r = recorder(ctx.log, 0);
      await ctx.append(2);
      await r.until(2);
      const t0 = Date.now();
      await r.sub.stop();
      expect(Date.now() - t0).toBeLessThan(2_000);
      await expect(r.sub.done).resolves.toBeUndefined();
      await ctx.append(2);
      await settle(300);
      expect(r.events).toHaveLength(2);
    });

    it('fails the subscription when the handler throws, and delivers nothing more', async () => {
      await ctx.append(3);
      let calls = 0;
      const sub = ctx.log.subscribe(0, async () => {
        calls++;
        throw new Error('handler broke');
      });
      await expect(sub.done).rejects.toThrow('handler broke');
      await ctx.append(3);
      await settle(300);
      expect(calls).toBe(1);
      expect(sub.lastSeq).toBe(0);
    });

    it('hands over the next batch only after the previous handler resolved', async () => {
      await ctx.append(6);
      let inFlight = 0;
      let maxInFlight = 0;
      const r: number[] = [];
      const sub = ctx.log.subscribe(
        0,
        async (batch) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await settle(20);
          r.push(...batch.map((e) => e.seq));
          inFlight--;
        },
        { maxBatch: 2 },
      );
      const deadline = Date.now() + 10_000;
      while (r.length < 6 && Date.now() < deadline) await settle(20);
      await sub.stop();
      expect(r).toHaveLength(6);
      expect(maxInFlight).toBe(1);
    });
  });
}
