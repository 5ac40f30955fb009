import { AttrPool } from './attrs';
import { Path } from './path';
import { Peer } from './peer';
import { entry } from './rib.spec-helper';
import {
  LOCAL_PREF_TO_MED,
  agentEntry,
  medFromLocalPref,
  nextHopOf,
  parseCommunity,
  formatCommunity,
  xmppPath,
} from './xmpp-attrs';
import { PathFlag } from './path';

const ctx = {
  asn: 64512,
  rd: '192.0.2.11:3',
  vnIndexOf: (n: string) => (n === 'default-domain:p1:blue' ? 5 : undefined),
};
const view = { vnName: (i: number | undefined) => (i === 5 ? 'default-domain:p1:blue' : undefined) };

describe('XMPP path attributes (routing.md B7)', () => {
  it.each(LOCAL_PREF_TO_MED)('local-preference %p without <med> gives MED %p', (lp, med) => {
    expect(medFromLocalPref(lp)).toBe(med);
    const x = xmppPath(entry('10.1.1.3/32', '192.0.2.11', 21, { lp }), ctx);
    expect(x.attrs.med).toBe(med);
    expect(x.attrs.localPref).toBe(lp === 0 ? undefined : lp);
  });

  it('keeps a non-zero <med> as is', () => {
    expect(xmppPath(entry('10.1.1.3/32', '192.0.2.11', 21, { lp: 100, med: 7 }), ctx).attrs.med).toBe(7);
  });

  it('makes ORIGIN incomplete, an empty AS_PATH and NEXT_HOP the next-hop address', () => {
    const x = xmppPath(
      entry('10.1.1.3/32', '192.0.2.11', 21, { vn: 'default-domain:p1:blue', sgs: [8000002] }),
      ctx,
    );
    expect(x.attrs).toMatchObject({ nextHop: '192.0.2.11', origin: 2, asPath: [], rd: '192.0.2.11:3' });
    expect(x.label).toBe(21);
    const set = new AttrPool().acquire(x.attrs);
    expect(set.extText).toEqual(['encapsulation:gre', 'originvn:64512:5', 'secgroup:64512:8000002']);
  });

  it('marks a path whose encapsulations are all unknown infeasible (TF NoTunnelEncap)', () => {
    expect(xmppPath(entry('10.1.1.3/32', '192.0.2.11', 21, { encaps: ['bogus'] }), ctx).flags).toBe(
      PathFlag.NoTunnelEncap,
    );
    expect(xmppPath(entry('10.1.1.3/32', '192.0.2.11', 21, { encaps: ['bogus', 'udp'] }), ctx).flags).toBe(0);
    expect(xmppPath(entry('10.1.1.3/32', '192.0.2.11', 21, { encaps: [] }), ctx).flags).toBe(0);
  });

  it('reads community tags and writes them back', () => {
    expect(parseCommunity('64512:10')).toBe(64512 * 65536 + 10);
    expect(parseCommunity('no-export')).toBe(0xffffff01);
    expect(parseCommunity('junk')).toBeUndefined();
    expect(formatCommunity(64512 * 65536 + 10)).toBe('64512:10');
  });

  it('gives agents one next hop per path, gre for a labelled path without encapsulations, LP 100 by default', () => {
    const pool = new AttrPool();
    const a = new Peer('a', 'xmpp', '192.0.2.11', '192.0.2.11');
    const b = new Peer('b', 'xmpp', '192.0.2.12', '192.0.2.12');
    const pa = new Path(
      a,
      pool.acquire(xmppPath(entry('10.1.1.3/32', '192.0.2.11', 21, { lp: 100 }), ctx).attrs),
      21,
      0,
      null,
    );
    const pb = new Path(b, pool.acquire({ nextHop: '192.0.2.12', asPath: [] }), 22, 0, null);
    expect(nextHopOf(pb, 5, view)).toEqual({
      address: '192.0.2.12',
      label: 22,
      tunnelEncapsulations: ['gre'],
      tags: [],
      virtualNetwork: 'default-domain:p1:blue',
    });
    const e = agentEntry({ family: 'inet', prefix: '10.1.1.3/32' }, [pa, pb], false, 5, view);
    expect(e.nextHops.map((h) => [h.address, h.label])).toEqual([
      ['192.0.2.11', 21],
      ['192.0.2.12', 22],
    ]);
    expect(e).toMatchObject({
      localPreference: 100,
      med: 200,
      version: 1,
      virtualNetwork: 'default-domain:p1:blue',
    });
    const lone = agentEntry({ family: 'inet', prefix: '10.1.1.3/32' }, [pb], false, 0, view);
    expect(lone).toMatchObject({ localPreference: 100, med: 0, virtualNetwork: 'unresolved' });
  });
});
