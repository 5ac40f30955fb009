import { serviceChainsOf } from './service-chain';
import { staticRoutesOf } from './static-routes';

describe('derived routing config of a routing instance', () => {
  it('reads both chain families, skips chains without destination or address', () => {
    const info = (routing_instance: string, service_chain_address: string, prefix: string[]) => ({
      routing_instance,
      prefix,
      service_chain_address,
      service_instance: 'default-domain:p1:si1',
      source_routing_instance: 'default-domain:p1:left:left',
      sc_head: true,
    });
    expect(
      serviceChainsOf({
        service_chain_information: info('default-domain:p1:right:right', '10.1.1.250', ['10.2.1.0/24']),
        ipv6_service_chain_information: info('default-domain:p1:right:right', 'fd00:1::fa', ['fd00:2::/64']),
        evpn_service_chain_information: info('default-domain:p1:right:right', '10.1.1.250', []),
      }),
    ).toEqual([
      {
        family: 'inet',
        routingInstance: 'default-domain:p1:right:right',
        prefixes: ['10.2.1.0/24'],
        serviceChainAddress: '10.1.1.250',
        serviceInstance: 'default-domain:p1:si1',
        sourceRoutingInstance: 'default-domain:p1:left:left',
      },
      expect.objectContaining({
        family: 'inet6',
        serviceChainAddress: 'fd00:1::fa',
        prefixes: ['fd00:2::/64'],
      }),
    ]);
    expect(serviceChainsOf({ service_chain_information: info('', '10.1.1.250', []) })).toBeUndefined();
    expect(serviceChainsOf({ service_chain_information: null })).toBeUndefined();
  });

  it('reads static route entries with their targets and communities', () => {
    expect(
      staticRoutesOf({
        static_route_entries: {
          route: [
            { prefix: '10.9.0.0/16', next_hop: '10.1.1.5', route_target: ['target:64512:77'], community: [] },
            { prefix: '10.8.0.0/16', next_hop: '10.1.1.6', community: ['no-export'] },
            { prefix: '10.7.0.0/16' },
          ],
        },
      }),
    ).toEqual([
      { prefix: '10.9.0.0/16', nextHop: '10.1.1.5', routeTargets: ['target:64512:77'] },
      { prefix: '10.8.0.0/16', nextHop: '10.1.1.6', communities: ['no-export'] },
    ]);
    expect(staticRoutesOf({ static_route_entries: { route: [] } })).toBeUndefined();
  });
});
