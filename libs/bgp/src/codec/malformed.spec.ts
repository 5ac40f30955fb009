/**
 * Every malformed case of RFC 4271 §6 and RFC 7606 that a peer can send, with the exact NOTIFICATION
 * code/subcode and handling level the session will apply.
 */
import { BgpError, ErrorHandling } from '../errors';
import { MessageFramer } from './header';
import { DecodeResult, decodeMessage } from './message';
import { DecodeContext } from './attributes/decode';
import { UpdateMessage, routesOf } from './update';

const MARKER = 'ff'.repeat(16);
const clean = (h: string) => h.replace(/\s+/g, '');
const hex = (h: string) => Buffer.from(clean(h), 'hex');
const len2 = (n: number) => n.toString(16).padStart(4, '0');
const msg = (type: string, body: string) =>
  hex(MARKER + len2(19 + clean(body).length / 2) + type + clean(body));

/** One path attribute with the right length field (extended when asked or needed). */
const attr = (flags: number, type: number, value: string, extended = false) => {
  const v = clean(value);
  const n = v.length / 2;
  const ext = extended || n > 255;
  return (
    (ext ? flags | 0x10 : flags).toString(16).padStart(2, '0') +
    type.toString(16).padStart(2, '0') +
    (ext ? len2(n) : n.toString(16).padStart(2, '0')) +
    v
  );
};
const update = (attrs: string, nlri = '', withdrawn = '') =>
  msg(
    '02',
    len2(clean(withdrawn).length / 2) +
      clean(withdrawn) +
      len2(clean(attrs).length / 2) +
      clean(attrs) +
      clean(nlri),
  );

const ORIGIN = attr(0x40, 1, '00');
const AS_PATH = attr(0x40, 2, '02 01 0000fde8');
const NEXT_HOP = attr(0x40, 3, 'c6336401');
const BASICS = ORIGIN + AS_PATH + NEXT_HOP;
const NLRI = '18 0a6300'; // 10.99.0.0/24
const VPN_REACH = attr(
  0x80,
  14,
  '0001 80 0c 0000000000000000 c000020b 00  78 000151 0001c000020b0003 0a010103',
);

function reset(bytes: Buffer, ctx?: DecodeContext): BgpError {
  try {
    decodeMessage(bytes, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(BgpError);
    expect((e as BgpError).handling).toBe('session-reset');
    return e as BgpError;
  }
  throw new Error('expected a session reset');
}

function handled(bytes: Buffer, ctx?: DecodeContext): DecodeResult & { message: UpdateMessage } {
  return decodeMessage(bytes, ctx) as DecodeResult & { message: UpdateMessage };
}

const codes = (e: BgpError) => `${e.code}/${e.subcode}`;
// Every table row names its context: an omitted trailing argument would be taken by Jest as `done`.
const AS4: DecodeContext = { as4: true };

describe('message header (RFC 4271 §6.1)', () => {
  it('marker not all ones -> 1/1', () => {
    const bytes = hex('ff'.repeat(15) + 'fe' + '0013 04');
    expect(codes(reset(bytes))).toBe('1/1');
  });

  it.each([
    [18, '0012'],
    [5000, '1388'],
  ])('length %i -> 1/2 with the length as data', (length, data) => {
    const bytes = Buffer.concat([hex(MARKER + len2(length) + '02'), Buffer.alloc(Math.max(0, length - 19))]);
    const e = reset(bytes.subarray(0, Math.max(19, length)));
    expect(codes(e)).toBe('1/2');
    expect(e.data.toString('hex')).toBe(data);
  });

  it('the framer rejects a 5000-octet length from the header alone, without waiting for the body', () => {
    const framer = new MessageFramer();
    expect(() => framer.push(hex(MARKER + '1388' + '02'))).toThrow(
      expect.objectContaining({ code: 1, subcode: 2 }),
    );
  });

  it('KEEPALIVE longer than 19 octets -> 1/2; UPDATE shorter than 23 -> 1/2', () => {
    expect(codes(reset(msg('04', '00')))).toBe('1/2');
    expect(codes(reset(msg('02', '0000')))).toBe('1/2');
  });

  it('type 9 -> 1/3 with the type as data', () => {
    const e = reset(msg('09', ''));
    expect(codes(e)).toBe('1/3');
    expect(e.data.toString('hex')).toBe('09');
  });
});

describe('OPEN (RFC 4271 §6.2)', () => {
  const open = (version: string, hold: string, id: string, params: string) =>
    msg(
      '01',
      `${version} fc00 ${hold} ${id} ${(clean(params).length / 2).toString(16).padStart(2, '0')} ${params}`,
    );

  it('version 3 -> 2/1, data = version 4 (the one we support)', () => {
    const e = reset(open('03', '005a', 'c0000201', ''));
    expect(codes(e)).toBe('2/1');
    expect(e.data.toString('hex')).toBe('0004');
  });

  it.each(['0001', '0002'])('hold time %s -> 2/6', (hold) => {
    expect(codes(reset(open('04', hold, 'c0000201', '')))).toBe('2/6');
  });

  it('hold time 0 (no keepalives) and 3 are accepted', () => {
    expect(decodeMessage(open('04', '0000', 'c0000201', '')).message).toMatchObject({ holdTime: 0 });
    expect(decodeMessage(open('04', '0003', 'c0000201', '')).message).toMatchObject({ holdTime: 3 });
  });

  it('BGP identifier 0.0.0.0 -> 2/3', () => {
    expect(codes(reset(open('04', '005a', '00000000', '')))).toBe('2/3');
  });

  it('optional parameter other than capabilities (type 1, authentication) -> 2/4 with the parameter as data', () => {
    const e = reset(open('04', '005a', 'c0000201', '01 02 abcd'));
    expect(codes(e)).toBe('2/4');
    expect(e.data.toString('hex')).toBe('0102abcd');
  });

  it('malformed known capability or overrunning parameter -> 2/0', () => {
    expect(codes(reset(open('04', '005a', 'c0000201', '02 05 01 03 000100')))).toBe('2/0');
    expect(codes(reset(open('04', '005a', 'c0000201', '02 08 01 04 00010001')))).toBe('2/0');
  });
});

describe('UPDATE errors that reset the session (RFC 7606 §4, §5.3, §7.11)', () => {
  it.each<[string, Buffer, string]>([
    ['withdrawn routes length overrunning the message', msg('02', '0010 0000'), '3/1'],
    ['total attribute length overrunning the message', msg('02', '0000 0040' + ORIGIN), '3/1'],
    ['attribute length overrunning the attribute field', update(ORIGIN + '40 02 09 0201fde8'), '3/1'],
    ['two octets left where an attribute header should be', update(BASICS + '4001'), '3/1'],
    ['extended length attribute with only 3 header octets', update(BASICS + '500200'), '3/1'],
    ['a second MP_REACH_NLRI', update(VPN_REACH + VPN_REACH + ORIGIN + AS_PATH), '3/1'],
    ['a second MP_UNREACH_NLRI', update(attr(0x80, 15, '0001 80') + attr(0x80, 15, '0001 80')), '3/1'],
    ['MP_REACH_NLRI shorter than 5 octets', update(attr(0x80, 14, '0001 80 00')), '3/9'],
    ['MP_UNREACH_NLRI shorter than 3 octets', update(attr(0x80, 15, '0001')), '3/9'],
    [
      'MP_REACH_NLRI next hop overrunning the attribute',
      update(attr(0x80, 14, '0001 80 0c 00000000')),
      '3/9',
    ],
    [
      'VPNv4 next hop of 4 octets (needs RD + IPv4)',
      update(attr(0x80, 14, '0001 80 04 c000020b 00') + BASICS),
      '3/9',
    ],
    [
      'MP_REACH_NLRI with transitive flags',
      update(attr(0xc0, 14, '0001 80 0c 0000000000000000 c000020b 00')),
      '3/4',
    ],
    ['IPv4 NLRI /33', update(BASICS, '21 0a630000 00'), '3/10'],
    ['IPv4 NLRI overrunning the message', update(BASICS, '18 0a63'), '3/10'],
    ['withdrawn prefix /40', update('', '', '28 0a63000000'), '3/10'],
    [
      'VPNv4 prefix of 121 bits',
      update(
        attr(0x80, 14, '0001 80 0c 0000000000000000 c000020b 00  79 000151 0001c000020b0003 0a01010300') +
          ORIGIN +
          AS_PATH,
      ),
      '3/10',
    ],
    [
      'VPNv4 prefix of 80 bits (shorter than label + RD)',
      update(
        attr(0x80, 14, '0001 80 0c 0000000000000000 c000020b 00  50 000151 0001c000020b00') +
          ORIGIN +
          AS_PATH,
      ),
      '3/10',
    ],
    [
      'route-target prefix length 20',
      update(attr(0x80, 14, '0001 84 04 c0000201 00  14 0000fc') + ORIGIN + AS_PATH),
      '3/10',
    ],
    [
      'route-target prefix length 97',
      update(attr(0x80, 15, '0001 84  61 0000fc00 0002fc00007a1201 00')),
      '3/10',
    ],
    [
      'EVPN MAC/IP route whose IP length says 32 but no room is left for it',
      update(
        attr(
          0x80,
          14,
          '0019 46 04 c000020b 00  02 21 0001c000020b0003 00000000000000000000 00000000 30 020000000001 20 001389',
        ),
      ),
      '3/10',
    ],
    [
      'EVPN MAC length other than 48',
      update(
        attr(
          0x80,
          14,
          '0019 46 04 c000020b 00  02 21 0001c000020b0003 00000000000000000000 00000000 28 020000000001 00 001389',
        ),
      ),
      '3/10',
    ],
    [
      'EVPN route overrunning MP_UNREACH_NLRI',
      update(attr(0x80, 15, '0019 46  03 11 0001c000020b0003')),
      '3/10',
    ],
    [
      'unrecognized well-known attribute (type 99, optional bit clear)',
      update(BASICS + attr(0x40, 99, '00'), NLRI),
      '3/2',
    ],
  ])('%s -> %s', (_, bytes, expected) => {
    expect(codes(reset(bytes))).toBe(expected);
  });
});

describe('UPDATE errors handled by treat-as-withdraw (RFC 7606 §3, §7)', () => {
  it.each<[string, string, string, DecodeContext]>([
    ['ORIGIN value 5', attr(0x40, 1, '05') + AS_PATH + NEXT_HOP, '3/6', AS4],
    ['ORIGIN of 2 octets', attr(0x40, 1, '0000') + AS_PATH + NEXT_HOP, '3/5', AS4],
    ['ORIGIN flagged optional', attr(0xc0, 1, '00') + AS_PATH + NEXT_HOP, '3/4', AS4],
    ['AS_PATH with a zero-length segment', ORIGIN + attr(0x40, 2, '02 00') + NEXT_HOP, '3/11', AS4],
    [
      'AS_PATH segment overrunning the attribute',
      ORIGIN + attr(0x40, 2, '02 02 0000fde8') + NEXT_HOP,
      '3/11',
      AS4,
    ],
    ['AS_PATH with segment type 7', ORIGIN + attr(0x40, 2, '07 01 0000fde8') + NEXT_HOP, '3/11', AS4],
    [
      'AS_PATH with one stray octet after the last segment',
      ORIGIN + attr(0x40, 2, '02 01 0000fde8 02') + NEXT_HOP,
      '3/11',
      AS4,
    ],
    [
      '2-octet AS_PATH of odd length',
      ORIGIN + attr(0x40, 2, '02 02 fde8 fd') + NEXT_HOP,
      '3/11',
      { as4: false },
    ],
    ['NEXT_HOP of 5 octets', ORIGIN + AS_PATH + attr(0x40, 3, 'c633640100'), '3/5', AS4],
    ['NEXT_HOP flagged optional non-transitive', ORIGIN + AS_PATH + attr(0x80, 3, 'c6336401'), '3/4', AS4],
    ['MED of 3 octets', BASICS + attr(0x80, 4, '000001'), '3/5', AS4],
    ['LOCAL_PREF of 2 octets from an internal peer', BASICS + attr(0x40, 5, '0064'), '3/5', AS4],
    ['COMMUNITIES of 6 octets', BASICS + attr(0xc0, 8, 'fc00000afc00'), '3/5', AS4],
    ['COMMUNITIES of 0 octets', BASICS + attr(0xc0, 8, ''), '3/5', AS4],
    ['ORIGINATOR_ID of 3 octets', BASICS + attr(0x80, 9, 'c00002'), '3/5', AS4],
    ['CLUSTER_LIST of 5 octets', BASICS + attr(0x80, 10, 'c000020101'), '3/5', AS4],
    ['EXTENDED_COMMUNITIES of 7 octets', BASICS + attr(0xc0, 16, '0002fc00007a12'), '3/5', AS4],
    ['EXTENDED_COMMUNITIES flagged well-known', BASICS + attr(0x40, 16, '0002fc00007a1201'), '3/4', AS4],
    ['PMSI_TUNNEL of 3 octets', BASICS + attr(0xc0, 22, '000600'), '3/5', AS4],
    ['missing ORIGIN', AS_PATH + NEXT_HOP, '3/3', AS4],
    ['missing AS_PATH', ORIGIN + NEXT_HOP, '3/3', AS4],
    ['missing NEXT_HOP with NLRI in the base field', ORIGIN + AS_PATH, '3/3', AS4],
  ])('%s -> %s, the NLRI become withdrawals', (_, attrs, expected, ctx) => {
    const r = handled(update(attrs, NLRI), ctx);
    expect(r.treatAsWithdraw).toBe(true);
    expect(r.errors.map((e) => `${codes(e)} ${e.handling}`)).toEqual([`${expected} treat-as-withdraw`]);
    expect(routesOf(r.message as UpdateMessage, r.treatAsWithdraw)).toEqual({
      announce: [],
      withdraw: [{ family: 'inet', nlri: ['10.99.0.0/24'] }],
    });
  });

  it('missing attribute data is the type code; a malformed ORIGIN is not also reported missing', () => {
    const missing = handled(update(AS_PATH + NEXT_HOP, NLRI)).errors;
    expect(missing).toHaveLength(1);
    expect(missing[0].data.toString('hex')).toBe('01');
    const bad = handled(update(attr(0x40, 1, '09') + AS_PATH + NEXT_HOP, NLRI)).errors;
    expect(bad.map(codes)).toEqual(['3/6']);
  });

  it('missing AS_PATH with VPN routes in MP_REACH_NLRI withdraws those routes; NEXT_HOP is not required', () => {
    const r = handled(update(VPN_REACH + ORIGIN, ''));
    expect(r.errors.map(codes)).toEqual(['3/3']);
    expect(routesOf(r.message as UpdateMessage, r.treatAsWithdraw)).toEqual({
      announce: [],
      withdraw: [{ family: 'inet-vpn', nlri: [{ rd: '192.0.2.11:3', prefix: '10.1.1.3/32', label: 21 }] }],
    });
  });

  it('an UPDATE with only withdrawals needs no mandatory attributes', () => {
    const r = handled(update(attr(0x80, 15, '0001 80  78 800000 0001c000020b0003 0a010103')));
    expect(r.errors).toEqual([]);
  });
});

describe('UPDATE errors handled by attribute discard (RFC 7606 §3g, §7.6, §7.7; RFC 6793 §6)', () => {
  it.each<[string, string, string, keyof UpdateMessage['attributes'], DecodeContext]>([
    ['AGGREGATOR of 7 octets', attr(0xc0, 7, '0000fde8c000020b'.slice(0, 14)), '3/5', 'aggregator', AS4],
    [
      'AGGREGATOR of 8 octets on a 2-octet session',
      attr(0xc0, 7, '0000fde8c0000201'),
      '3/5',
      'aggregator',
      { as4: false },
    ],
    ['AGGREGATOR flagged well-known', attr(0x40, 7, '0000fde8c0000201'), '3/4', 'aggregator', AS4],
    ['ATOMIC_AGGREGATE of 1 octet', attr(0x40, 6, '00'), '3/5', 'atomicAggregate', AS4],
    ['AS4_PATH with a zero-length segment', attr(0xc0, 17, '02 00'), '3/11', 'as4Path', { as4: false }],
    ['empty AS4_PATH', attr(0xc0, 17, ''), '3/11', 'as4Path', { as4: false }],
    ['AS4_AGGREGATOR of 6 octets', attr(0xc0, 18, 'fde8c0000201'), '3/5', 'as4Aggregator', { as4: false }],
  ])('%s -> %s, attribute dropped, routes kept', (_, bad, expected, field, ctx) => {
    const asPath = ctx.as4 ? AS_PATH : attr(0x40, 2, '02 01 fde8');
    const r = handled(update(ORIGIN + asPath + NEXT_HOP + bad, NLRI), ctx);
    expect(r.treatAsWithdraw).toBe(false);
    expect(r.errors.map((e) => `${codes(e)} ${e.handling}`)).toEqual([`${expected} attribute-discard`]);
    expect(r.message.attributes[field]).toBeUndefined();
    expect(routesOf(r.message as UpdateMessage, r.treatAsWithdraw).announce).toEqual([
      { family: 'inet', nlri: ['10.99.0.0/24'], nextHop: '198.51.100.1' },
    ]);
  });

  it('a repeated COMMUNITIES keeps the first and drops the rest (RFC 7606 §3g)', () => {
    const r = handled(update(BASICS + attr(0xc0, 8, 'fc00000a') + attr(0xc0, 8, 'fc00000b'), NLRI));
    expect(r.message.attributes.communities).toEqual([0xfc00000a]);
    expect(r.errors.map((e) => `${codes(e)} ${e.handling}`)).toEqual(['3/1 attribute-discard']);
    expect(r.treatAsWithdraw).toBe(false);
  });

  it('the strongest approach wins when errors of both kinds occur (RFC 7606 §3h)', () => {
    const r = handled(update(attr(0x40, 1, '07') + AS_PATH + NEXT_HOP + attr(0x40, 6, '00'), NLRI));
    const levels: ErrorHandling[] = r.errors.map((e) => e.handling);
    expect(levels.sort()).toEqual(['attribute-discard', 'treat-as-withdraw']);
    expect(r.treatAsWithdraw).toBe(true);
  });
});

describe('what is not an error', () => {
  it('LOCAL_PREF from an external peer is ignored, even malformed, and not counted', () => {
    const r = handled(update(BASICS + attr(0x40, 5, '0064'), NLRI), { as4: true, ebgp: true });
    expect(r.errors).toEqual([]);
    expect(r.message.attributes.localPref).toBeUndefined();
  });

  it('AS4_PATH from a 4-octet speaker is ignored (RFC 6793 §4.1)', () => {
    const r = handled(update(BASICS + attr(0xc0, 17, '02 00'), NLRI), { as4: true });
    expect(r.errors).toEqual([]);
    expect(r.message.attributes.as4Path).toBeUndefined();
  });

  it('MP_REACH_NLRI of an unknown AFI/SAFI is skipped and reported; the rest of the UPDATE applies (RFC 4760 §7)', () => {
    const unknownFamily = attr(0x80, 14, '0001 05 04 c000020b 00 20 0a000001'); // SAFI 5 = MCAST-VPN
    const r = handled(update(unknownFamily + BASICS, NLRI));
    expect(r.unsupportedFamilies).toEqual([{ afi: 1, safi: 5 }]);
    expect(r.errors).toEqual([]);
    expect(r.message.attributes.mpReach).toBeUndefined();
    expect(r.message.nlri).toEqual(['10.99.0.0/24']);
  });

  it('a family the session did not negotiate is skipped like an unknown one', () => {
    const r = handled(update(VPN_REACH + ORIGIN + AS_PATH), { as4: true, families: new Set(['e-vpn']) });
    expect(r.unsupportedFamilies).toEqual([{ afi: 1, safi: 128 }]);
    expect(r.message.attributes.mpReach).toBeUndefined();
  });

  it('an unknown optional transitive attribute is kept with its flags for reflection', () => {
    const r = handled(update(BASICS + attr(0xe0, 99, 'cafe'), NLRI));
    expect(r.errors).toEqual([]);
    expect(r.message.attributes.unknown).toEqual([{ flags: 0xe0, type: 99, value: hex('cafe') }]);
  });

  it('EVPN route types other than 2 and 3 are kept as bytes', () => {
    const ethernetAd = '01 19 0001c000020b0003 00112233445566778899 00000000 000064';
    const r = handled(update(attr(0x80, 14, `0019 46 04 c000020b 00 ${ethernetAd}`) + ORIGIN + AS_PATH));
    expect(r.message.attributes.mpReach?.nlri).toEqual([
      { kind: 'opaque', routeType: 1, hex: clean(ethernetAd).slice(4) },
    ]);
  });
});

describe('ROUTE-REFRESH (RFC 7313 §5)', () => {
  it('length other than 23 -> 7/1 with the whole message as data', () => {
    const bytes = msg('05', '0001 00 80 00');
    const e = reset(bytes);
    expect(codes(e)).toBe('7/1');
    expect(e.data.equals(bytes)).toBe(true);
  });
});
