/**
 * Robustness against whatever arrives on port 179 (routing.md check 43): saved malformed inputs give their
 * documented NOTIFICATION, and random mutations of valid messages only ever yield a result or a BgpError.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BgpError } from '../errors';
import { MessageFramer } from './header';
import { BgpMessage, decodeMessage, encodeMessage } from './message';
import * as arb from './arbitraries.spec-helper';

const TESTDATA = join(__dirname, '../../testdata/malformed');

describe('saved malformed inputs (testdata/malformed)', () => {
  const files = readdirSync(TESTDATA).filter((f) => f.endsWith('.hex'));

  it('the corpus is there', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(join(TESTDATA, file), 'utf8');
    const [, code, subcode, handling] = /^# expect: (\d+)\/(\d+) (\S+)$/m.exec(text) ?? [];
    const bytes = Buffer.from(text.replace(/^#.*$/gm, '').replace(/\s+/g, ''), 'hex');
    let error: BgpError | undefined;
    let decoded;
    try {
      // As the session would: through the framer, then the decoder.
      const frames = new MessageFramer().push(bytes);
      decoded = decodeMessage(frames.length > 0 ? frames[0] : bytes, { as4: true });
    } catch (e) {
      expect(e).toBeInstanceOf(BgpError);
      error = e as BgpError;
    }
    if (handling === 'session-reset') {
      expect(error && `${error.code}/${error.subcode} ${error.handling}`).toBe(
        `${code}/${subcode} session-reset`,
      );
    } else {
      expect(error).toBeUndefined();
      expect(decoded!.errors.map((e) => `${e.code}/${e.subcode} ${e.handling}`)).toEqual([
        `${code}/${subcode} ${handling}`,
      ]);
    }
  });
});

/** Small deterministic PRNG so a failure reproduces from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seeds(): Buffer[] {
  const update = fc.record({
    type: fc.constant('update' as const),
    withdrawn: fc.array(arb.prefix4, { maxLength: 3 }),
    attributes: arb.pathAttributes(true),
    nlri: fc.array(arb.prefix4, { maxLength: 3 }),
  });
  const messages: BgpMessage[] = fc.sample(update, { numRuns: 150, seed: 7 });
  messages.push(
    {
      type: 'open',
      version: 4,
      myAs: 64512,
      holdTime: 90,
      bgpId: '192.0.2.1',
      capabilities: [
        { kind: 'multiprotocol', afi: 1, safi: 128 },
        { kind: 'route-refresh' },
        { kind: 'four-octet-as', asn: 64512 },
        {
          kind: 'graceful-restart',
          flags: 8,
          restartTime: 120,
          families: [{ afi: 1, safi: 128, forwardingPreserved: true }],
        },
      ],
    },
    { type: 'keepalive' },
    { type: 'notification', code: 6, subcode: 2, data: Buffer.from('05646f776e21', 'hex') },
    { type: 'route-refresh', afi: 1, safi: 128, subtype: 0 },
  );
  return messages.map((m) => encodeMessage(m));
}

function mutate(src: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(src);
  const pick = (n: number) => Math.floor(rnd() * n);
  const rounds = 1 + pick(4);
  for (let i = 0; i < rounds; i++) {
    switch (pick(7)) {
      case 0: // flip bits
        b[pick(b.length)] ^= 1 << pick(8);
        break;
      case 1: // random byte, biased to the body where the interesting length fields are
        b[19 + pick(Math.max(1, b.length - 19))] = pick(256);
        break;
      case 2: // boundary values
        b[pick(b.length)] = [0, 1, 0x7f, 0x80, 0xff][pick(5)];
        break;
      case 3: // truncate
        b = b.subarray(0, pick(b.length + 1));
        break;
      case 4: {
        // insert random bytes
        const at = pick(b.length + 1);
        const extra = Buffer.from(Array.from({ length: 1 + pick(8) }, () => pick(256)));
        b = Buffer.concat([b.subarray(0, at), extra, b.subarray(at)]);
        break;
      }
      case 5: {
        // delete a run
        const at = pick(b.length);
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(6)))]);
        break;
      }
      default: // nudge a 2-octet length field in the UPDATE body
        if (b.length > 23) {
          const at = 19 + pick(Math.min(8, b.length - 20));
          b.writeUInt16BE((b.readUInt16BE(at) + pick(9) - 4) & 0xffff, at);
        }
    }
  }
  // Usually keep the header consistent so mutations reach the body decoders, not just the framer.
  if (b.length >= 19 && rnd() < 0.85) {
    b.fill(0xff, 0, 16);
    if (b.length <= 4096) b.writeUInt16BE(b.length, 16);
  }
  return b;
}

describe('fuzz: mutated valid messages', () => {
  it('decode returns a result or throws a BgpError, never anything else, and results re-encode', () => {
    const corpus = seeds();
    const rnd = mulberry32(0x5eed);
    const deadline = Date.now() + 10_000;
    const outcomes = { decoded: 0, rejected: 0, attrErrors: 0 };
    for (let i = 0; i < 20_000 && Date.now() < deadline; i++) {
      const input = mutate(corpus[i % corpus.length], rnd);
      let result;
      try {
        result = decodeMessage(input, { as4: rnd() < 0.5 });
      } catch (e) {
        if (!(e instanceof BgpError) || e.message.startsWith('internal decode error')) {
          throw new Error(`iteration ${i}: ${String(e)} on ${input.toString('hex')}`);
        }
        outcomes.rejected++;
        continue;
      }
      outcomes.decoded++;
      if (result.errors.length > 0) outcomes.attrErrors++;
      // Whatever the decoder accepts, the encoder can send on (reflection must never crash), and the
      // canonical form is stable: decoding it and encoding again gives the same bytes.
      const ctx = { as4: true };
      const again = encodeMessage(result.message, ctx);
      const third = encodeMessage(decodeMessage(again, ctx).message, ctx);
      if (!third.equals(again)) {
        throw new Error(`iteration ${i}: unstable re-encoding of ${input.toString('hex')}`);
      }
    }
    // The mutator must exercise all three outcomes, or this test proves little.
    expect(outcomes.decoded).toBeGreaterThan(500);
    expect(outcomes.rejected).toBeGreaterThan(500);
    expect(outcomes.attrErrors).toBeGreaterThan(100);
  });

  it('random byte strings fed through the framer end in messages or a BgpError', () => {
    const rnd = mulberry32(42);
    for (let i = 0; i < 2_000; i++) {
      const framer = new MessageFramer();
      const junk = Buffer.from(
        Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)),
      );
      if (rnd() < 0.5) junk.fill(0xff, 0, Math.min(16, junk.length)); // reach past the marker check
      try {
        for (const frame of framer.push(junk)) decodeMessage(frame);
      } catch (e) {
        expect(e).toBeInstanceOf(BgpError);
      }
    }
  });
});
