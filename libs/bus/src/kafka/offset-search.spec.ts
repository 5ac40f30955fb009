import fc from 'fast-check';
import { OffsetSearch, type SeqAtOffset } from './offset-search';

/** Runs a search over a simulated partition where a fetch at offset p returns up to `run` messages. */
function search(seqs: number[], afterSeq: number, low = 0, run = 50) {
  const at = (p: number): SeqAtOffset[] =>
    seqs.slice(p - low, p - low + run).map((seq, i) => ({ offset: p + i, seq }));
  const s = new OffsetSearch(afterSeq, low, low + seqs.length);
  let step = s.start();
  let fetches = 0;
  while ('probe' in step) {
    expect(step.probe).toBeGreaterThanOrEqual(low);
    expect(step.probe).toBeLessThan(low + seqs.length);
    fetches++;
    if (fetches > 64) throw new Error('search does not converge');
    const msgs = at(step.probe);
    step = s.observe(msgs);
    if ('found' in step && step.index !== undefined) expect(msgs[step.index].offset).toBe(step.found);
  }
  return { found: step.found, fetches };
}

function expected(seqs: number[], afterSeq: number, low = 0): number {
  const i = seqs.findIndex((s) => s > afterSeq);
  return low + (i < 0 ? seqs.length : i);
}

describe('OffsetSearch', () => {
  it('finds the first offset after a seq in a dense topic in one fetch', () => {
    const seqs = Array.from({ length: 100_000 }, (_, i) => i + 1);
    for (const after of [1, 2, 49, 50, 51, 5_000, 99_999]) {
      const r = search(seqs, after);
      expect(r.found).toBe(expected(seqs, after));
      expect(r.fetches).toBe(1);
    }
    expect(search(seqs, 100_000).found).toBe(100_000);
  });

  it('is right on any non-decreasing topic (holes, repeats, a truncated start)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.constant(1), fc.integer({ min: 2, max: 40 })), {
          minLength: 1,
          maxLength: 3000,
        }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.nat(),
        (steps, low, run, pick) => {
          let seq = 0;
          const seqs = steps.map((d) => (seq += d)).map((s) => s + 1);
          const after = pick % (seqs[seqs.length - 1] + 2);
          const r = search(seqs, after, low, run);
          expect(r.found).toBe(expected(seqs, after, low));
          expect(r.fetches).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(seqs.length + 1)) + 2);
        },
      ),
      { numRuns: 300 },
    );
  });
});
