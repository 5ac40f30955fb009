/**
 * Finds where a subscription "after seq S" starts in the config topic: the first offset whose seq is
 * greater than S. Kafka offsets are not seqs (rolled-back seqs leave holes, a relay may repeat events),
 * but along the partition seqs never decrease (one relay at a time, publishing in seq order), so this is
 * a search over a sorted array whose elements cost one fetch each.
 *
 * Each fetch returns a run of messages, not one, and seqs are nearly dense, so the probe is first
 * estimated by interpolation (offset + seq distance) and bisection takes over when estimates do not
 * narrow the range: typically one or two fetches, log2(n / batch) at worst.
 */
export interface SeqAtOffset {
  offset: number;
  seq: number;
}

export type SearchStep =
  /** Fetch from this offset next and feed the result to observe(). */
  | { probe: number }
  /** The start offset; `index` is its position in the messages just observed, when it is among them. */
  | { found: number; index?: number };

export class OffsetSearch {
  /** The answer is in [lo, hi]; hi = the high watermark means "at the end". */
  private lo: number;
  private hi: number;
  private steps = 0;

  constructor(
    private readonly afterSeq: number,
    low: number,
    high: number,
  ) {
    this.lo = low;
    this.hi = high;
  }

  /** Where to look first: with dense seqs starting at 1 (the usual case), seq S sits at offset S - 1. */
  start(): SearchStep {
    if (this.lo >= this.hi) return { found: this.hi };
    return { probe: this.clamp(this.lo + this.afterSeq - 1) };
  }

  observe(messages: SeqAtOffset[]): SearchStep {
    if (messages.length === 0) throw new Error('OffsetSearch.observe needs at least one message');
    this.steps++;
    const first = messages[0];
    const last = messages[messages.length - 1];
    if (first.seq > this.afterSeq) {
      this.hi = Math.min(this.hi, first.offset);
      if (this.lo >= this.hi) return { found: first.offset, index: 0 };
      return { probe: this.next(first) };
    }
    if (last.seq <= this.afterSeq) {
      this.lo = Math.max(this.lo, last.offset + 1);
      if (this.lo >= this.hi) return { found: this.hi };
      return { probe: this.next(last) };
    }
    const index = messages.findIndex((m) => m.seq > this.afterSeq);
    return { found: messages[index].offset, index };
  }

  private next(seen: SeqAtOffset): number {
    const mid = Math.floor((this.lo + this.hi - 1) / 2);
    if (this.steps % 2 === 0) return mid;
    const estimate = seen.offset + (this.afterSeq + 1 - seen.seq);
    return estimate >= this.lo && estimate < this.hi ? estimate : mid;
  }

  private clamp(p: number): number {
    return Math.max(this.lo, Math.min(this.hi - 1, p));
  }
}
