import type { ConfigEvent } from '@skein/events';
import { testEvent } from '../../../../libs/events/src/testing/event-log.features';
import { ConfigView } from './view';

const MASTER = ['default-domain', 'default-project', 'ip-fabric', '__default__'];
let seq = 0;
const ev = (
  oper: ConfigEvent['oper'],
  type: string,
  uuid: string,
  fq: string[],
  object: Record<string, unknown> = {},
): ConfigEvent =>
  testEvent(++seq, { oper, type, uuid, fq_name: fq, object: { uuid, fq_name: fq, ...object } });

const router = (uuid: string, name: string, params: Record<string, unknown>, refs: unknown[] = []) =>
  ev('CREATE', 'bgp-router', uuid, [...MASTER, name], {
    bgp_router_parameters: params,
    bgp_router_refs: refs,
  });

describe('ConfigView', () => {
  it('derives RIs from RT refs (null = both, import, export), connections and the parent VN index', () => {
    const v = new ConfigView('cn1');
    const d = v.apply([
      ev('CREATE', 'virtual-network', 'vn1', ['default-domain', 'p', 'blue'], {
        virtual_network_network_id: 5,
      }),
      ev('CREATE', 'routing-instance', 'ri1', ['default-domain', 'p', 'blue', 'blue'], {
        parent_uuid: 'vn1',
        route_target_refs: [
          { to: ['target:64512:8000001'], uuid: 'rt1', attr: { import_export: null } },
          { to: ['target:64512:100'], uuid: 'rt2', attr: { import_export: 'import' } },
          { to: ['target:64512:200'], uuid: 'rt3', attr: { import_export: 'export' } },
          { to: ['not-a-target'], uuid: 'rt4', attr: null },
        ],
        routing_instance_refs: [{ to: ['default-domain', 'p', 'red', 'red'], uuid: 'ri2', attr: {} }],
      }),
    ]);
    expect(d.riUpserts).toEqual([
      {
        name: 'default-domain:p:blue:blue',
        vn: 'default-domain:p:blue',
        vnIndex: 5,
        importTargets: ['target:64512:8000001', 'target:64512:100'],
        exportTargets: ['target:64512:8000001', 'target:64512:200'],
        connections: ['default-domain:p:red:red'],
      },
    ]);
    // A replayed event changes nothing; a VN index change re-derives its RI; a delete removes it.
    expect(
      v.apply([
        ev('UPDATE', 'routing-instance', 'ri1', ['default-domain', 'p', 'blue', 'blue'], {
          parent_uuid: 'vn1',
          route_target_refs: [
            { to: ['target:64512:8000001'], uuid: 'rt1', attr: { import_export: null } },
            { to: ['target:64512:100'], uuid: 'rt2', attr: { import_export: 'import' } },
            { to: ['target:64512:200'], uuid: 'rt3', attr: { import_export: 'export' } },
          ],
          routing_instance_refs: [{ to: ['default-domain', 'p', 'red', 'red'], uuid: 'ri2', attr: {} }],
        }),
      ]).riUpserts,
    ).toEqual([]);
    expect(
      v.apply([
        ev('UPDATE', 'virtual-network', 'vn1', ['default-domain', 'p', 'blue'], {
          virtual_network_network_id: 6,
        }),
      ]).riUpserts[0]!.vnIndex,
    ).toBe(6);
    expect(
      v.apply([ev('DELETE', 'routing-instance', 'ri1', ['default-domain', 'p', 'blue', 'blue'])]).riDeletes,
    ).toEqual(['default-domain:p:blue:blue']);
  });

  it('finds the own router by name and one session per ref, held by either end, with session > router > default values', () => {
    const v = new ConfigView('cn1');
    v.apply([
      ev('CREATE', 'global-system-config', 'g', ['default-global-system-config'], {
        autonomous_system: 64600,
        fast_convergence_parameters: { xmpp_hold_time: 3 },
      }),
    ]);
    const d = v.apply([
      router(
        'own',
        'cn1',
        { router_type: 'control-node', identifier: '10.0.0.1', address: '10.0.0.1', hold_time: 30 },
        [
          {
            to: [...MASTER, 'gw'],
            uuid: 'gw',
            attr: {
              session: [
                {
                  attributes: [
                    { bgp_router: 'cn1', address_families: { family: ['inet-vpn', 'bogus'] } },
                    { hold_time: 15 },
                  ],
                },
              ],
            },
          },
        ],
      ),
      router('gw', 'gw', {
        router_type: 'router',
        address: '10.0.0.2',
        autonomous_system: 65001,
        address_families: { family: ['inet'] },
      }),
      router('other', 'other', { router_type: 'router', address: '10.0.0.3' }, [
        { to: [...MASTER, 'cn1'], uuid: 'own', attr: null },
      ]),
      router('lonely', 'lonely', { router_type: 'router', address: '10.0.0.4' }),
    ]);
    expect(v.global.xmppHoldTime).toBe(3);
    expect(d.bgp!.own).toMatchObject({ name: 'cn1', routerId: '10.0.0.1' });
    expect([...d.bgp!.peers.keys()].sort()).toEqual(['gw', 'other']);
    expect(d.bgp!.peers.get('gw')).toMatchObject({
      families: ['inet-vpn'],
      holdTime: 15,
      peerAs: 65001,
      localAs: 64600,
      port: 179,
    });
    expect(d.bgp!.peers.get('other')).toMatchObject({
      families: ['route-target', 'inet-vpn', 'inet6-vpn', 'e-vpn'],
      holdTime: 30,
      peerAs: 64600,
    });
  });

  it('keeps virtual-routers under the global config as agent name → address', () => {
    const v = new ConfigView('cn1');
    const d = v.apply([
      ev('CREATE', 'virtual-router', 'vr', ['default-global-system-config', 'a1'], {
        virtual_router_ip_address: '192.0.2.1',
      }),
    ]);
    expect(d.virtualRoutersChanged).toBe(true);
    expect(v.virtualRouter('a1')).toBe('192.0.2.1');
  });

  it('reads the global settings from default-global-system-config only, whatever other one exists (issue 7 item 2)', () => {
    const v = new ConfigView('cn1');
    // Another global-system-config arriving first (a tenant's, in cloud-admin mode) used to be "the" global config.
    const d = v.apply([
      ev('CREATE', 'global-system-config', 'evil', ['evil-global-system-config'], {
        autonomous_system: 65001,
      }),
      ev('CREATE', 'global-system-config', 'g', ['default-global-system-config'], {
        autonomous_system: 64600,
      }),
    ]);
    expect(d.global?.asn).toBe(64600);
    expect(
      v.apply([
        ev('UPDATE', 'global-system-config', 'evil', ['evil-global-system-config'], {
          autonomous_system: 65002,
        }),
      ]).global,
    ).toBeUndefined();
    expect(v.global.asn).toBe(64600);
    // Without the default one the defaults apply, not the other object's values.
    v.apply([ev('DELETE', 'global-system-config', 'g', ['default-global-system-config'])]);
    expect(v.global.asn).toBe(64512);
  });
});
