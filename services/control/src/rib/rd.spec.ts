import { IndexAllocator, agentRd, originatedRd, splitVpnKey } from './rd';
import { BLUE, addAgent, blueRed, entry, newRib } from './rib.spec-helper';

describe('route distinguishers (routing.md B3)', () => {
  it('forms type-1 RDs from an agent next hop and its instance-id', () => {
    expect(agentRd('192.0.2.11', 3)).toBe('192.0.2.11:3');
    expect(agentRd('fd00::1', 3)).toBeUndefined();
    expect(agentRd('192.0.2.11', 70000)).toBeUndefined();
  });

  it('forms originated RDs from the router id and the RI index', () => {
    expect(originatedRd('10.0.0.1', 7)).toBe('10.0.0.1:7');
  });

  it('splits VPN keys at the RD', () => {
    expect(splitVpnKey('192.0.2.11:3:10.1.1.3/32')).toEqual({ rd: '192.0.2.11:3', prefix: '10.1.1.3/32' });
    expect(splitVpnKey('64512:1:fd00::3/128')).toEqual({ rd: '64512:1', prefix: 'fd00::3/128' });
  });

  it('allocates the lowest free index from 1, honours persisted ones and reuses freed ones', () => {
    const a = new IndexAllocator();
    expect(a.reserve(3)).toBe(true);
    expect(a.reserve(3)).toBe(false);
    expect([a.allocate(), a.allocate(), a.allocate()]).toEqual([1, 2, 4]);
    a.release(2);
    a.release(1);
    expect(a.allocate()).toBe(1);
    expect(a.allocate()).toBe(2);
    expect(a.allocate()).toBe(5);
    expect(a.reserve(0)).toBe(false);
  });

  it('gives two agents announcing one prefix two VPN routes, and RIs their own index', () => {
    const rib = newRib();
    blueRed(rib);
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    addAgent(rib, 'b', '192.0.2.12', BLUE, 4);
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21));
    rib.agentPublish('b', BLUE, entry('10.1.1.3/32', '192.0.2.12', 22));
    expect([...rib.table('bgp.l3vpn.0')!.map.keys()].sort()).toEqual([
      '192.0.2.11:3:10.1.1.3/32',
      '192.0.2.12:4:10.1.1.3/32',
    ]);
    expect(rib.instance(BLUE)!.index).toBe(1);
    rib.upsertRoutingInstance({ name: 'x', index: 9 });
    expect(rib.instance('x')!.index).toBe(9);
  });

  it('gives routes the control node originates <router-id>:<ri index>', () => {
    const rib = newRib();
    blueRed(rib);
    rib.addOrReplacePath(`${BLUE}.inet.0`, '10.9.0.0/16', {
      source: 'static',
      attrs: { nextHop: '192.0.2.11' },
      label: 30,
    });
    expect([...rib.table('bgp.l3vpn.0')!.map.keys()]).toEqual(['10.0.0.1:1:10.9.0.0/16']);
  });
});
