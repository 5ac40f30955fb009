/**
 * Hand-built byte vectors laid out field by field from the RFCs (4271, 4760, 5492, 6793, 4364, 4684, 7432,
 * 6514, 4360/5512). Each is checked both ways: decode gives the expected value, encode gives the bytes.
 */
import { decodeMessage, encodeMessage } from './message';
import { OpenMessage } from './open';
import { UpdateMessage, routesOf } from './update';
import { formatExtCommunity } from './ext-community';
import {
  NotificationMessage,
  ceaseAdmin,
  ceaseCollision,
  ceaseConfigChange,
  ceaseMaxPrefixes,
  ceasePeerDeconfigured,
  describeNotificationMessage,
  encodeNotification,
} from './notification';

const MARKER = 'ff'.repeat(16);
const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
const msg = (type: string, body: string) => {
  const b = hex(body);
  return hex(MARKER, (19 + b.length).toString(16).padStart(4, '0'), type, b.toString('hex'));
};

function both(bytes: Buffer, expected: object, as4 = true) {
  const r = decodeMessage(bytes, { as4 });
  expect(r.errors).toEqual([]);
  expect(r.message).toEqual(expected);
  expect(encodeMessage(r.message, { as4 }).toString('hex')).toBe(bytes.toString('hex'));
}

describe('OPEN', () => {
  it('AS 64512, hold 90, MP inet-vpn + route-target, route refresh, 4-octet AS (RFC 4271 §4.2, RFC 5492)', () => {
    const bytes = msg(
      '01',
      `04 fc00 005a c0000201
       16 02 14
         01 04 0001 00 80
         01 04 0001 00 84
         02 00
         41 04 0000fc00`,
    );
    expect(bytes.length).toBe(51);
    const open: OpenMessage = {
      type: 'open',
      version: 4,
      myAs: 64512,
      holdTime: 90,
      bgpId: '192.0.2.1',
      capabilities: [
        { kind: 'multiprotocol', afi: 1, safi: 128 },
        { kind: 'multiprotocol', afi: 1, safi: 132 },
        { kind: 'route-refresh' },
        { kind: 'four-octet-as', asn: 64512 },
      ],
    };
    both(bytes, open);
  });

  it('AS 4200000001 shows AS_TRANS in My AS and the real AS in capability 65 (RFC 6793 §4.1)', () => {
    const bytes = msg('01', `04 5ba0 00b4 c0000202  08 02 06  41 04 fa56ea01`);
    const r = decodeMessage(bytes);
    const open = r.message as OpenMessage;
    expect(open.myAs).toBe(23456);
    expect(open.capabilities).toEqual([{ kind: 'four-octet-as', asn: 4200000001 }]);
  });

  it('graceful restart capability with restart state and per-family forwarding bit (RFC 4724 §3)', () => {
    const bytes = msg('01', `04 fc00 005a c0000201  0a 02 08  40 06 8078 0001 80 80`);
    both(bytes, {
      type: 'open',
      version: 4,
      myAs: 64512,
      holdTime: 90,
      bgpId: '192.0.2.1',
      capabilities: [
        {
          kind: 'graceful-restart',
          flags: 8,
          restartTime: 120,
          families: [{ afi: 1, safi: 128, forwardingPreserved: true }],
        },
      ],
    });
  });

  it('keeps an unknown capability (add-path, 69) raw so it can be shown', () => {
    const r = decodeMessage(msg('01', `04 fc00 005a c0000201  08 02 06  45 04 0001 01 03`));
    expect((r.message as OpenMessage).capabilities).toEqual([
      { kind: 'unknown', code: 69, value: hex('00010103') },
    ]);
  });
});

describe('UPDATE', () => {
  // The route of routing.md check 29: agent A (192.0.2.11) instance 3 publishes 10.1.1.3/32 label 21.
  const vpnv4Update = msg(
    '02',
    `0000 0054
     80 0e 21  0001 80  0c 0000000000000000 c000020b  00
               78 000151 0001c000020b0003 0a010103
     40 01 01 02
     40 02 00
     80 04 04 000000c8
     40 05 04 00000064
     c0 10 18  0002fc00007a1201  030c00000000000d  8071fc0000000005`,
  );

  it('VPNv4 route with route target, encapsulation and origin-vn (RFC 4364 §4.3.4, RFC 4360, RFC 5512)', () => {
    expect(vpnv4Update.length).toBe(107);
    const expected: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        mpReach: {
          family: 'inet-vpn',
          nextHop: '192.0.2.11',
          nlri: [{ rd: '192.0.2.11:3', prefix: '10.1.1.3/32', label: 21 }],
        },
        origin: 2,
        asPath: [],
        med: 200,
        localPref: 100,
        extCommunities: [
          { kind: 'route-target', form: 'as2', asn: 64512, value: 8000001 },
          { kind: 'encapsulation', tunnelType: 13 },
          { kind: 'origin-vn', form: 'as2', asn: 64512, vnIndex: 5 },
        ],
      },
    };
    both(vpnv4Update, expected);
    const ecs = (decodeMessage(vpnv4Update).message as UpdateMessage).attributes.extCommunities!;
    expect(ecs.map(formatExtCommunity)).toEqual([
      'target:64512:8000001',
      'encapsulation:udp',
      'originvn:64512:5',
    ]);
  });

  it('VPNv4 withdrawal carries the 0x800000 label (RFC 8277 §2.4)', () => {
    const bytes = msg('02', `0000 0016  80 0f 13 0001 80  78 800000 0001c000020b0003 0a010103`);
    both(bytes, {
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        mpUnreach: {
          family: 'inet-vpn',
          nlri: [{ rd: '192.0.2.11:3', prefix: '10.1.1.3/32', label: 0x80000 }],
        },
      },
    });
  });

  it('plain IPv4 withdrawal and announcement in the base fields (RFC 4271 §4.3)', () => {
    const bytes = msg(
      '02',
      `0004 18 0a0101
       0014 40 01 01 00  40 02 06 02 02 fc00 fde8  40 03 04 c6336401
       10 0a63  20 c0000263`,
    );
    const r = decodeMessage(bytes, { as4: false });
    both(
      bytes,
      {
        type: 'update',
        withdrawn: ['10.1.1.0/24'],
        nlri: ['10.99.0.0/16', '192.0.2.99/32'],
        attributes: {
          origin: 0,
          asPath: [{ type: 'sequence', asns: [64512, 65000] }],
          nextHop: '198.51.100.1',
        },
      },
      false,
    );
    expect(routesOf(r.message as UpdateMessage, r.treatAsWithdraw)).toEqual({
      announce: [{ family: 'inet', nlri: ['10.99.0.0/16', '192.0.2.99/32'], nextHop: '198.51.100.1' }],
      withdraw: [{ family: 'inet', nlri: ['10.1.1.0/24'] }],
    });
  });

  it('EVPN type 2 MAC/IP with VXLAN VNI 5001 in label1 (RFC 7432 §7.2, RFC 8365)', () => {
    const bytes = msg(
      '02',
      `0000 004d
       80 0e 30  0019 46  04 c000020b  00
                 02 25  0001c000020b0003  00000000000000000000  00000000  30 020000000001  20 0a010103  001389
       40 01 01 02
       40 02 00
       c0 10 10  0002fc00007a1201  030c000000000008`,
    );
    both(bytes, {
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        mpReach: {
          family: 'e-vpn',
          nextHop: '192.0.2.11',
          nlri: [
            {
              kind: 'mac-ip',
              rd: '192.0.2.11:3',
              esi: '00:00:00:00:00:00:00:00:00:00',
              ethernetTag: 0,
              mac: '02:00:00:00:00:01',
              ip: '10.1.1.3',
              label1: 5001,
            },
          ],
        },
        origin: 2,
        asPath: [],
        extCommunities: [
          { kind: 'route-target', form: 'as2', asn: 64512, value: 8000001 },
          { kind: 'encapsulation', tunnelType: 8 },
        ],
      },
    });
  });

  it('EVPN type 3 inclusive multicast with PMSI ingress replication (RFC 7432 §7.3, §11.2; RFC 6514 §5)', () => {
    const bytes = msg(
      '02',
      `0000 0032
       80 0e 1c  0019 46  04 c000020b  00
                 03 11  0001c000020b0003  00000000  20 c000020b
       40 01 01 00
       40 02 00
       c0 16 09  00 06 001389 c000020b`,
    );
    both(bytes, {
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        mpReach: {
          family: 'e-vpn',
          nextHop: '192.0.2.11',
          nlri: [
            { kind: 'inclusive-multicast', rd: '192.0.2.11:3', ethernetTag: 0, originator: '192.0.2.11' },
          ],
        },
        origin: 0,
        asPath: [],
        pmsiTunnel: { flags: 0, tunnelType: 6, label: 5001, tunnelId: '192.0.2.11' },
      },
    });
  });

  it('route-target membership: one full target and the default route (RFC 4684 §4)', () => {
    const bytes = msg(
      '02',
      `0000 0027
       80 0e 17  0001 84  04 c0000201  00
                 60 0000fc00 0002fc00007a1201
                 00
       40 01 01 00
       40 02 06 02 01 0000fc00`,
    );
    both(bytes, {
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        mpReach: {
          family: 'route-target',
          nextHop: '192.0.2.1',
          nlri: [
            {
              prefixLength: 96,
              originAs: 64512,
              routeTarget: { kind: 'route-target', form: 'as2', asn: 64512, value: 8000001 },
            },
            { prefixLength: 0, originAs: 0 },
          ],
        },
        origin: 0,
        asPath: [{ type: 'sequence', asns: [64512] }],
      },
    });
  });

  it('VPNv6 next hop for an IPv4 tunnel endpoint is RD 0 + ::ffff:a.b.c.d (RFC 4659 §3.2.1.2)', () => {
    const bytes = msg(
      '02',
      `0000 0043
       80 0e 39  0002 80  18 0000000000000000 00000000000000000000ffffc000020b  00
                 d8 000151 0001c000020b0003 fd000000000000000000000000000003
       40 01 01 02
       40 02 00`,
    );
    const m = decodeMessage(bytes).message as UpdateMessage;
    expect(m.attributes.mpReach).toEqual({
      family: 'inet6-vpn',
      nextHop: '::ffff:192.0.2.11',
      nlri: [{ rd: '192.0.2.11:3', prefix: 'fd00::3/128', label: 21 }],
    });
    expect(encodeMessage(m).equals(bytes)).toBe(true);
  });

  it('2-octet session: AS4_PATH and AS4_AGGREGATOR next to AS_TRANS (RFC 6793 §4.2.2)', () => {
    const bytes = msg(
      '02',
      `0000 002c
       40 01 01 00
       40 02 06 02 02 5ba0 fde8
       40 03 04 c6336401
       c0 11 0a 02 02 fa56ea01 0000fde8
       c0 12 08 fa56ea01 c0000201
       18 0a6300`,
    );
    both(
      bytes,
      {
        type: 'update',
        withdrawn: [],
        nlri: ['10.99.0.0/24'],
        attributes: {
          origin: 0,
          asPath: [{ type: 'sequence', asns: [23456, 65000] }],
          nextHop: '198.51.100.1',
          as4Path: [{ type: 'sequence', asns: [4200000001, 65000] }],
          as4Aggregator: { asn: 4200000001, address: '192.0.2.1' },
        },
      },
      false,
    );
  });
});

describe('NOTIFICATION, KEEPALIVE, ROUTE-REFRESH', () => {
  it('KEEPALIVE is a bare 19-octet header (RFC 4271 §4.4)', () => {
    both(hex(MARKER, '0013', '04'), { type: 'keepalive' });
  });

  it('NOTIFICATION 6/2 with an RFC 8203 shutdown communication', () => {
    const bytes = msg('03', '06 02 07 6d61696e74656e');
    both(bytes, { type: 'notification', code: 6, subcode: 2, data: hex('076d61696e74656e') });
    expect(encodeNotification(ceaseAdmin(2, 'mainten')).equals(bytes)).toBe(true);
    expect(describeNotificationMessage(decodeMessage(bytes).message as NotificationMessage)).toBe(
      '6/2 Cease / Administrative Shutdown: "mainten"',
    );
  });

  it.each([
    ['6/3 peer de-configured', ceasePeerDeconfigured(), '0603'],
    ['6/4 administrative reset', ceaseAdmin(4), '0604'],
    ['6/6 other configuration change', ceaseConfigChange(), '0606'],
    ['6/7 connection collision resolution', ceaseCollision(), '0607'],
  ])('NOTIFICATION %s', (_, n, body) => {
    expect(encodeNotification(n).equals(msg('03', body))).toBe(true);
  });

  it('NOTIFICATION 6/1 carries AFI, SAFI and the prefix limit (RFC 4486 §4)', () => {
    expect(
      encodeNotification(ceaseMaxPrefixes(1, 128, 1000)).equals(msg('03', '06 01 0001 80 000003e8')),
    ).toBe(true);
  });

  it('ROUTE-REFRESH for inet-vpn (RFC 2918 §3)', () => {
    both(msg('05', '0001 00 80'), { type: 'route-refresh', afi: 1, safi: 128, subtype: 0 });
  });
});
