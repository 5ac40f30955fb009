import { Agent, ConfigView } from '@skein/agent-sim';
import type { ConfigEvent } from '@skein/events';
import {
  StreamParser,
  decodeStanza,
  encodeAgentStreamHeader,
  type ConfigIq,
  type StreamEvent,
} from '@skein/xmpp';
import { testEvent } from '../../../libs/events/src/testing/event-log.features';
import { ConfigPush, type ConfigPeer } from '../src/config-push/push';
import { DP, Lab, never, soon, type Vn } from './harness';

// routing.md Part D, "Config push (/config, outline)".

const GSC = 'default-global-system-config';
const IPAM = [...DP, 'default-network-ipam'];
const vrNode = (agent: string) => `virtual-router:${GSC}:${agent}`;

/** Config iqs as an agent would decode them, from the strings the push writes. */
function decodeIqs(xml: readonly string[]): ConfigIq[] {
  const events = StreamParser.forAgent().push(
    Buffer.from(encodeAgentStreamHeader('t') + xml.join(''), 'utf8'),
  );
  return events.flatMap((e: StreamEvent) => {
    if (e.type === 'error') throw new Error(e.error.message);
    if (e.type !== 'stanza') return [];
    const s = decodeStanza(e.element);
    if (s.kind !== 'config') throw new Error(`not a config iq: ${s.kind}`);
    return [s];
  });
}

const names = (iq: ConfigIq, op: 'update' | 'delete') => iq[op].nodes.map((n) => `${n.type} ${n.name}`);
const linkNames = (iq: ConfigIq, op: 'update' | 'delete') =>
  iq[op].links.map((l) => `${l.metadata} ${l.left.name} ${l.right.name}`);

// ===== The push on synthetic events: reachability, deltas, selectivity, splitting ===========================

class FakePeer implements ConfigPeer {
  readonly sent: string[] = [];
  constructor(readonly name: string) {}
  sendConfig(iqs: readonly string[]): void {
    this.sent.push(...iqs);
  }
  /** Decodes what arrived since the last call. */
  take(): ConfigIq[] {
    return decodeIqs(this.sent.splice(0));
  }
}

let seq = 0;
const ev = (
  oper: ConfigEvent['oper'],
  type: string,
  uuid: string,
  fq: string[],
  object: Record<string, unknown> = {},
): ConfigEvent =>
  testEvent(++seq, { oper, type, uuid, fq_name: fq, object: { uuid, fq_name: fq, ...object } });
const refTo = (uuid: string, fq: string[], attr: unknown = null) => [{ uuid, to: fq, attr }];

describe('ConfigPush on synthetic config', () => {
  const P = ['default-domain', 'p1'];
  const blue = [...P, 'blue'];
  function base(): ConfigEvent[] {
    return [
      ev('CREATE', 'global-system-config', 'gsc', [GSC], { autonomous_system: 64512 }),
      ev('CREATE', 'global-vrouter-config', 'gvc', [GSC, 'default-global-vrouter-config'], {
        parent_uuid: 'gsc',
        encapsulation_priorities: { encapsulation: ['MPLSoGRE', 'MPLSoUDP'] },
      }),
      ev('CREATE', 'project', 'p1', P),
      ev('CREATE', 'virtual-network', 'blue', blue, { parent_uuid: 'p1' }),
      ev('CREATE', 'routing-instance', 'blue-ri', [...blue, 'blue'], { parent_uuid: 'blue' }),
      ev('CREATE', 'virtual-machine', 'vm1', ['vm1']),
      ev('CREATE', 'virtual-machine', 'vm2', ['vm2']),
      ev('CREATE', 'virtual-router', 'vr-a', [GSC, 'a'], {
        parent_uuid: 'gsc',
        virtual_router_ip_address: '192.0.2.1',
        virtual_machine_refs: refTo('vm1', ['vm1']),
      }),
      ev('CREATE', 'virtual-router', 'vr-b', [GSC, 'b'], {
        parent_uuid: 'gsc',
        virtual_router_ip_address: '192.0.2.2',
        virtual_machine_refs: refTo('vm2', ['vm2']),
      }),
      ev('CREATE', 'virtual-machine-interface', 'vmi1', [...P, 'vmi1'], {
        parent_uuid: 'p1',
        virtual_network_refs: refTo('blue', blue),
        virtual_machine_refs: refTo('vm1', ['vm1']),
        routing_instance_refs: refTo('blue-ri', [...blue, 'blue'], { direction: 'both' }),
      }),
      ev('CREATE', 'virtual-machine-interface', 'vmi2', [...P, 'vmi2'], {
        parent_uuid: 'p1',
        virtual_network_refs: refTo('blue', blue),
        virtual_machine_refs: refTo('vm2', ['vm2']),
      }),
    ];
  }

  it('sends the reachable subgraph on subscribe, nothing of another vrouter, and RI attrs as link props', () => {
    const push = new ConfigPush();
    push.apply(base());
    const a = new FakePeer('a');
    push.subscribe(a, vrNode('a'));
    const view = new ConfigView();
    for (const iq of a.take()) view.apply(iq);
    expect(
      view
        .nodes()
        .map((n) => `${n.type} ${n.name}`)
        .sort(),
    ).toEqual(
      [
        `global-system-config ${GSC}`,
        `global-vrouter-config ${GSC}:default-global-vrouter-config`,
        'project default-domain:p1',
        'routing-instance default-domain:p1:blue:blue',
        `virtual-router ${GSC}:a`,
        'virtual-machine vm1',
        'virtual-machine-interface default-domain:p1:vmi1',
        'virtual-network default-domain:p1:blue',
      ].sort(),
    );
    expect(
      view
        .links()
        .map((l) => l.metadata)
        .sort(),
    ).toEqual(
      [
        'global-system-config-global-vrouter-config',
        'global-system-config-virtual-router',
        'project-virtual-machine-interface',
        'project-virtual-network',
        'virtual-machine-interface-routing-instance',
        'virtual-machine-interface-virtual-machine',
        'virtual-machine-interface-virtual-network',
        'virtual-network-routing-instance',
        'virtual-router-virtual-machine',
      ].sort(),
    );
    const ri = view.link(
      'virtual-machine-interface-routing-instance',
      { type: 'virtual-machine-interface', name: 'default-domain:p1:vmi1' },
      { type: 'routing-instance', name: 'default-domain:p1:blue:blue' },
    );
    expect(ri?.json).toEqual({ direction: 'both' });
    expect(view.node('virtual-machine-interface', [...P, 'vmi1'])?.json['uuid']).toBe('vmi1');
    expect(view.node('global-vrouter-config', [GSC, 'default-global-vrouter-config'])?.json).toMatchObject({
      encapsulation_priorities: { encapsulation: ['MPLSoGRE', 'MPLSoUDP'] },
    });
  });

  it('recomputes only agents a batch can reach, and sends deltas', () => {
    const push = new ConfigPush();
    push.apply(base());
    const a = new FakePeer('a');
    const b = new FakePeer('b');
    push.subscribe(a, vrNode('a'));
    push.subscribe(b, vrNode('b'));
    a.take();
    b.take();
    const before = push.stats().recomputed;

    // A third vrouter under the global config, and a network nobody uses: no agent's subgraph changes.
    push.apply([
      ev('CREATE', 'virtual-router', 'vr-c', [GSC, 'c'], {
        parent_uuid: 'gsc',
        virtual_router_ip_address: '192.0.2.3',
      }),
      ev('CREATE', 'virtual-network', 'red', [...P, 'red'], { parent_uuid: 'p1' }),
    ]);
    expect(push.stats().recomputed).toBe(before);
    expect(a.sent).toEqual([]);

    // An instance-ip on vmi1 concerns a only (through vmi1's back-refs); it is one node and one link
    // (its VN link joins a node a already has).
    push.apply([
      ev('CREATE', 'instance-ip', 'iip1', ['iip1'], {
        instance_ip_address: '10.1.1.3',
        virtual_network_refs: refTo('blue', blue),
        virtual_machine_interface_refs: refTo('vmi1', [...P, 'vmi1']),
      }),
    ]);
    expect(push.stats().recomputed).toBe(before + 1);
    const [iq, ...rest] = a.take();
    expect(rest).toEqual([]);
    expect(names(iq!, 'update')).toEqual(['instance-ip iip1']);
    expect(linkNames(iq!, 'update').sort()).toEqual([
      'instance-ip-virtual-machine-interface iip1 default-domain:p1:vmi1',
      'instance-ip-virtual-network iip1 default-domain:p1:blue',
    ]);
    expect(b.take()).toEqual([]);

    // The VM leaves vr-a: the VM goes; vmi1 and everything only it led to go too.
    push.apply([
      ev('UPDATE', 'virtual-router', 'vr-a', [GSC, 'a'], {
        parent_uuid: 'gsc',
        virtual_router_ip_address: '192.0.2.1',
      }),
    ]);
    const [del] = a.take();
    expect(names(del!, 'update')).toEqual([]);
    expect(names(del!, 'delete').sort()).toEqual(
      [
        'instance-ip iip1',
        'project default-domain:p1',
        'routing-instance default-domain:p1:blue:blue',
        'virtual-machine vm1',
        'virtual-machine-interface default-domain:p1:vmi1',
        'virtual-network default-domain:p1:blue',
      ].sort(),
    );
    expect(del!.delete.links.length).toBe(9);
  });

  it('splits a large push into several iqs, nodes before links; virtual-machine subscriptions; unsubscribe', () => {
    const push = new ConfigPush({ maxItemsPerIq: 3 });
    push.apply(base());
    const d = new FakePeer('d');
    push.subscribe(d, 'virtual-machine:vm2');
    const iqs = d.take();
    expect(iqs.length).toBeGreaterThan(2);
    const order = iqs.flatMap((iq) => [
      ...iq.update.nodes.map(() => 'node'),
      ...iq.update.links.map(() => 'link'),
    ]);
    expect(iqs.every((iq) => iq.update.nodes.length + iq.update.links.length <= 3)).toBe(true);
    expect(order.indexOf('link')).toBe(order.lastIndexOf('node') + 1);
    const view = new ConfigView();
    for (const iq of iqs) view.apply(iq);
    expect(view.has('virtual-machine', 'vm2')).toBe(true);
    expect(view.has('virtual-machine-interface', [...P, 'vmi2'])).toBe(true);
    expect(view.has('virtual-router', [GSC, 'b'])).toBe(false);

    // Another vrouter's node is refused; a repeat subscribe is ignored.
    push.subscribe(d, vrNode('b'));
    push.subscribe(d, 'virtual-machine:vm2');
    expect(d.sent).toEqual([]);

    push.unsubscribe(d, 'virtual-machine:vm2');
    for (const iq of d.take()) view.apply(iq);
    expect(view.size).toEqual({ nodes: 0, links: 0 });
  });

  it('follows ACLs, network policies, tags and firewall policy sets, not back out to other ports', () => {
    const push = new ConfigPush();
    const web = ['app=web'];
    push.apply([
      ...base(),
      ev('CREATE', 'tag', 'tag-web', web, { tag_type_name: 'app', tag_value: 'web' }),
      ev('CREATE', 'tag', 'tag-db', ['app=db'], { tag_type_name: 'app', tag_value: 'db' }),
      ev('CREATE', 'security-group', 'sg', [...P, 'sg'], { parent_uuid: 'p1' }),
      ev('CREATE', 'access-control-list', 'sg-acl', [...P, 'sg', 'ingress-access-control-list'], {
        parent_uuid: 'sg',
      }),
      ev('CREATE', 'network-policy', 'np', [...P, 'np'], { parent_uuid: 'p1' }),
      ev('CREATE', 'access-control-list', 'vn-acl', [...blue, 'blue'], { parent_uuid: 'blue' }),
      ev('CREATE', 'address-group', 'ag', [...P, 'ag'], {
        parent_uuid: 'p1',
        tag_refs: refTo('tag-db', ['app=db']),
      }),
      ev('CREATE', 'service-group', 'svc', [...P, 'svc'], { parent_uuid: 'p1' }),
      ev('CREATE', 'firewall-rule', 'fr', [...P, 'fr'], {
        parent_uuid: 'p1',
        tag_refs: refTo('tag-web', web),
        address_group_refs: refTo('ag', [...P, 'ag']),
        service_group_refs: refTo('svc', [...P, 'svc']),
      }),
      ev('CREATE', 'firewall-policy', 'fp', [...P, 'fp'], {
        parent_uuid: 'p1',
        firewall_rule_refs: refTo('fr', [...P, 'fr'], { sequence: '00001.0' }),
      }),
      ev('CREATE', 'application-policy-set', 'aps', [...P, 'aps'], {
        parent_uuid: 'p1',
        tag_refs: refTo('tag-web', web),
        firewall_policy_refs: refTo('fp', [...P, 'fp'], { sequence: '00001.0' }),
      }),
      ev('UPDATE', 'virtual-network', 'blue', blue, {
        parent_uuid: 'p1',
        network_policy_refs: refTo('np', [...P, 'np'], { sequence: { major: 0, minor: 0 } }),
      }),
      ev('UPDATE', 'virtual-machine-interface', 'vmi1', [...P, 'vmi1'], {
        parent_uuid: 'p1',
        virtual_network_refs: refTo('blue', blue),
        virtual_machine_refs: refTo('vm1', ['vm1']),
        security_group_refs: refTo('sg', [...P, 'sg']),
        tag_refs: refTo('tag-web', web),
      }),
      // vmi2 (on vr-b) carries the same tag: the tag must not lead a's walk to it.
      ev('UPDATE', 'virtual-machine-interface', 'vmi2', [...P, 'vmi2'], {
        parent_uuid: 'p1',
        virtual_network_refs: refTo('blue', blue),
        virtual_machine_refs: refTo('vm2', ['vm2']),
        tag_refs: refTo('tag-web', web),
      }),
    ]);
    const a = new FakePeer('a');
    push.subscribe(a, vrNode('a'));
    const view = new ConfigView();
    for (const iq of a.take()) view.apply(iq);
    for (const [type, name] of [
      ['access-control-list', [...P, 'sg', 'ingress-access-control-list']],
      ['access-control-list', [...blue, 'blue']],
      ['network-policy', [...P, 'np']],
      ['tag', web],
      ['application-policy-set', [...P, 'aps']],
      ['firewall-policy', [...P, 'fp']],
      ['firewall-rule', [...P, 'fr']],
      ['address-group', [...P, 'ag']],
      ['service-group', [...P, 'svc']],
      ['tag', ['app=db']],
    ] as const) {
      expect({ type, name, has: view.has(type, name) }).toEqual({ type, name, has: true });
    }
    expect(view.has('virtual-machine-interface', [...P, 'vmi2'])).toBe(false);
    expect(
      view.link(
        'firewall-policy-firewall-rule',
        { type: 'firewall-policy', name: [...P, 'fp'].join(':') },
        { type: 'firewall-rule', name: [...P, 'fr'].join(':') },
      )?.json,
    ).toEqual({ sequence: '00001.0' });

    // Detaching the tag from vmi1 drops the whole firewall chain (nothing else leads there).
    push.apply([
      ev('UPDATE', 'virtual-machine-interface', 'vmi1', [...P, 'vmi1'], {
        parent_uuid: 'p1',
        virtual_network_refs: refTo('blue', blue),
        virtual_machine_refs: refTo('vm1', ['vm1']),
        security_group_refs: refTo('sg', [...P, 'sg']),
      }),
    ]);
    const [iq] = a.take();
    const pn = (n: string) => [...P, n].join(':');
    expect(names(iq!, 'delete').sort()).toEqual(
      [
        `address-group ${pn('ag')}`,
        `application-policy-set ${pn('aps')}`,
        `firewall-policy ${pn('fp')}`,
        `firewall-rule ${pn('fr')}`,
        `service-group ${pn('svc')}`,
        'tag app=db',
        'tag app=web',
      ].sort(),
    );
  });

  it('a subscription waiting for its virtual-router is served once it exists; a closed peer is forgotten', () => {
    const push = new ConfigPush();
    push.apply(base());
    const e = new FakePeer('e');
    push.subscribe(e, vrNode('e'));
    expect(e.sent).toEqual([]);
    push.apply([
      ev('CREATE', 'virtual-router', 'vr-e', [GSC, 'e'], {
        parent_uuid: 'gsc',
        virtual_router_ip_address: '192.0.2.5',
      }),
    ]);
    const [iq] = e.take();
    expect(names(iq!, 'update')).toContain(`virtual-router ${GSC}:e`);
    push.closed(e);
    expect(push.stats().agents).toBe(0);
    push.apply([
      ev('UPDATE', 'virtual-router', 'vr-e', [GSC, 'e'], {
        parent_uuid: 'gsc',
        virtual_router_ip_address: '192.0.2.6',
      }),
    ]);
    expect(e.sent).toEqual([]);
  });
});

// ===== End to end: config API → control node → agent-sim over XMPP =========================================

describe('/config push to agents (routing.md D)', () => {
  let lab: Lab;
  let blue: Vn;
  let pub: Vn;
  const ids: Record<string, string> = {};
  const applied: Array<{ view: unknown; iq: ConfigIq }> = [];
  let applySpy: jest.SpyInstance;

  const vmiName = (n: string) => [...DP, n].join(':');
  const vmiRef = (n: string) => ({ type: 'virtual-machine-interface', name: vmiName(n) });
  /** The iqs `agent` applied since `from` (an index into `applied`). */
  const iqsOf = (agent: Agent, from = 0) =>
    applied
      .slice(from)
      .filter((x) => x.view === agent.configView)
      .map((x) => x.iq);

  async function vrouter(name: string, address: string, vms: string[]): Promise<string> {
    return lab.create('virtual-router', {
      fq_name: [GSC, name],
      parent_type: 'global-system-config',
      virtual_router_ip_address: address,
      virtual_machine_refs: vms.map((uuid) => ({ uuid })),
    });
  }

  async function vmi(name: string, vm: string, sgs: string[]): Promise<string> {
    return lab.create('virtual-machine-interface', {
      fq_name: [...DP, name],
      parent_type: 'project',
      virtual_network_refs: [{ uuid: blue.uuid }],
      virtual_machine_refs: [{ uuid: vm }],
      security_group_refs: sgs.map((uuid) => ({ uuid })),
    });
  }

  const agent = (name: string, address: string, config: boolean) => lab.newAgent(name, address, { config });

  beforeAll(async () => {
    // Records every iq an agent's view applies, so the tests can check what a delta carried.
    const original = ConfigView.prototype.apply;
    applySpy = jest.spyOn(ConfigView.prototype, 'apply').mockImplementation(function (
      this: ConfigView,
      iq: ConfigIq,
    ) {
      applied.push({ view: this, iq });
      original.call(this, iq);
    });
    lab = await Lab.start();
    const subnet = (p: string) => ({ subnet: { ip_prefix: p, ip_prefix_len: 24 } });
    blue = await lab.createVn('blue', {
      network_ipam_refs: [{ to: IPAM, attr: { ipam_subnets: [subnet('10.1.1.0')] } }],
    });
    pub = await lab.createVn('public', {
      network_ipam_refs: [{ to: IPAM, attr: { ipam_subnets: [subnet('10.9.9.0')] } }],
    });
    ids.sg1 = await lab.create('security-group', { fq_name: [...DP, 'sg1'] });
    ids.sg2 = await lab.create('security-group', { fq_name: [...DP, 'sg2'] });
    ids.vm1 = await lab.create('virtual-machine', { fq_name: ['vm1'] });
    ids.vm2 = await lab.create('virtual-machine', { fq_name: ['vm2'] });
    ids.vrA = await vrouter('cfg-a', '192.0.2.31', [ids.vm1]);
    ids.vrB = await vrouter('cfg-b', '192.0.2.32', [ids.vm2]);
    await lab.createVirtualRouter('cfg-c', '192.0.2.33');
    ids.vmi1 = await vmi('vmi1', ids.vm1, [ids.sg1]);
    ids.vmi2 = await vmi('vmi2', ids.vm2, [ids.sg2]);
    ids.iip1 = await lab.create('instance-ip', {
      fq_name: ['iip1'],
      virtual_network_refs: [{ uuid: blue.uuid }],
      virtual_machine_interface_refs: [{ uuid: ids.vmi1 }],
    });
    ids.iip2 = await lab.create('instance-ip', {
      fq_name: ['iip2'],
      virtual_network_refs: [{ uuid: blue.uuid }],
      virtual_machine_interface_refs: [{ uuid: ids.vmi2 }],
    });
    ids.pool = await lab.create('floating-ip-pool', {
      fq_name: [...pub.fq, 'pool'],
      parent_type: 'virtual-network',
    });
    ids.fip1 = await lab.create('floating-ip', {
      fq_name: [...pub.fq, 'pool', 'fip1'],
      parent_type: 'floating-ip-pool',
      project_refs: [{ to: DP }],
      virtual_machine_interface_refs: [{ uuid: ids.vmi1 }],
    });
    await lab.sync();
  });
  afterAll(async () => {
    applySpy?.mockRestore();
    await lab?.close();
  });

  it('an agent subscribed to its virtual-router receives its VM, VMI, VN, RI, SG, instance-ip and floating-ip', async () => {
    const a = agent('cfg-a', '192.0.2.31', true);
    a.start();
    const v = await a.waitForConfig(
      (x) => x.has('floating-ip', [...pub.fq, 'pool', 'fip1']) && x.links().length >= 12,
    );
    const iip1 = await lab.read('instance-ip', ids.iip1);
    const fip1 = await lab.read('floating-ip', ids.fip1);
    expect(v.node('virtual-router', [GSC, 'cfg-a'])?.json).toMatchObject({
      virtual_router_ip_address: '192.0.2.31',
    });
    expect(v.node('virtual-machine', 'vm1')?.json['uuid']).toBe(ids.vm1);
    expect(v.node('virtual-machine-interface', [...DP, 'vmi1'])?.json['uuid']).toBe(ids.vmi1);
    expect(v.has('virtual-network', blue.fq)).toBe(true);
    expect(v.has('routing-instance', blue.ri)).toBe(true);
    expect(v.has('security-group', [...DP, 'sg1'])).toBe(true);
    expect(v.node('instance-ip', 'iip1')?.json['instance_ip_address']).toBe(iip1.instance_ip_address);
    expect(v.node('floating-ip', [...pub.fq, 'pool', 'fip1'])?.json['floating_ip_address']).toBe(
      fip1.floating_ip_address,
    );
    expect(v.has('global-vrouter-config', [GSC, 'default-global-vrouter-config'])).toBe(true);
    // Global firewall policy arrives through the default policy set's ref to the vrouter config.
    expect(
      v.has('application-policy-set', ['default-policy-management', 'default-application-policy-set']),
    ).toBe(true);

    const vr = { type: 'virtual-router', name: `${GSC}:cfg-a` };
    const vm = { type: 'virtual-machine', name: 'vm1' };
    const port = vmiRef('vmi1');
    for (const [meta, l, r] of [
      ['virtual-router-virtual-machine', vr, vm],
      ['virtual-machine-interface-virtual-machine', port, vm],
      [
        'virtual-machine-interface-virtual-network',
        port,
        { type: 'virtual-network', name: blue.fq.join(':') },
      ],
      ['virtual-machine-interface-routing-instance', port, { type: 'routing-instance', name: blue.ri }],
      ['virtual-machine-interface-security-group', port, { type: 'security-group', name: vmiName('sg1') }],
      ['instance-ip-virtual-machine-interface', { type: 'instance-ip', name: 'iip1' }, port],
      [
        'floating-ip-virtual-machine-interface',
        { type: 'floating-ip', name: [...pub.fq, 'pool', 'fip1'].join(':') },
        port,
      ],
      [
        'virtual-network-routing-instance',
        { type: 'virtual-network', name: blue.fq.join(':') },
        { type: 'routing-instance', name: blue.ri },
      ],
    ] as const) {
      expect({ meta, link: v.link(meta, l, r) !== undefined }).toEqual({ meta, link: true });
    }
    // The VMI's RI ref carries its attr (PolicyBasedForwardingRuleType) as link properties.
    expect(
      v.link('virtual-machine-interface-routing-instance', port, { type: 'routing-instance', name: blue.ri })
        ?.json,
    ).toMatchObject({
      direction: 'both',
    });

    // Objects of another virtual-router never reach it.
    expect(v.has('virtual-machine', 'vm2')).toBe(false);
    expect(v.has('virtual-machine-interface', [...DP, 'vmi2'])).toBe(false);
    expect(v.has('instance-ip', 'iip2')).toBe(false);
    expect(v.has('security-group', [...DP, 'sg2'])).toBe(false);
    expect(v.has('virtual-router', [GSC, 'cfg-b'])).toBe(false);
  });

  it('a changed security group and a deleted floating-ip arrive as update and delete', async () => {
    const a = lab.agents.find((x) => x.name === 'cfg-a')!;
    const mark = applied.length;
    await lab.update('virtual-machine-interface', ids.vmi1, { security_group_refs: [{ uuid: ids.sg2 }] });
    const sg1 = { type: 'security-group', name: vmiName('sg1') };
    const sg2 = { type: 'security-group', name: vmiName('sg2') };
    const meta = 'virtual-machine-interface-security-group';
    await a.waitForConfig(
      (x) => x.link(meta, vmiRef('vmi1'), sg2) !== undefined && !x.has('security-group', [...DP, 'sg1']),
    );
    const iqs = iqsOf(a, mark);
    const up = iqs.flatMap((iq) => names(iq, 'update'));
    const down = iqs.flatMap((iq) => names(iq, 'delete'));
    expect(up).toContain(`security-group ${sg2.name}`);
    expect(down).toEqual([`security-group ${sg1.name}`]);
    // The project is reachable (the VMI's parent), so the group's parent link comes and goes with it.
    const project = DP.join(':');
    expect(iqs.flatMap((iq) => linkNames(iq, 'update')).sort()).toEqual([
      `project-security-group ${project} ${sg2.name}`,
      `${meta} ${vmiName('vmi1')} ${sg2.name}`,
    ]);
    expect(iqs.flatMap((iq) => linkNames(iq, 'delete')).sort()).toEqual([
      `project-security-group ${project} ${sg1.name}`,
      `${meta} ${vmiName('vmi1')} ${sg1.name}`,
    ]);
    // Only what changed: the VN, the VM and the rest are not sent again.
    expect(
      up.filter((n) => !n.startsWith('security-group ') && !n.startsWith('virtual-machine-interface ')),
    ).toEqual([]);

    const mark2 = applied.length;
    await lab.ok('DELETE', `/floating-ip/${ids.fip1}`);
    const fipName = [...pub.fq, 'pool', 'fip1'].join(':');
    await a.waitForConfig((x) => !x.has('floating-ip', fipName));
    const del = iqsOf(a, mark2);
    expect(del.flatMap((iq) => names(iq, 'delete'))).toContain(`floating-ip ${fipName}`);
    expect(del.flatMap((iq) => linkNames(iq, 'delete'))).toContain(
      `floating-ip-virtual-machine-interface ${fipName} ${vmiName('vmi1')}`,
    );
    expect(del.flatMap((iq) => names(iq, 'update'))).toEqual([]);
    // The pool and its network were only reachable through the floating-ip.
    expect(a.configView.has('floating-ip-pool', [...pub.fq, 'pool'])).toBe(false);
    expect(a.configView.has('virtual-network', pub.fq)).toBe(false);
    expect(a.configView.has('virtual-network', blue.fq)).toBe(true);
  });

  it("another vrouter's agent gets its own objects only, also for objects created while both are subscribed", async () => {
    const a = lab.agents.find((x) => x.name === 'cfg-a')!;
    const b = agent('cfg-b', '192.0.2.32', true);
    b.start();
    await b.waitForConfig(
      (x) => x.has('virtual-machine-interface', [...DP, 'vmi2']) && x.has('instance-ip', 'iip2'),
    );
    expect(b.configView.has('virtual-machine', 'vm1')).toBe(false);
    expect(b.configView.has('virtual-machine-interface', [...DP, 'vmi1'])).toBe(false);
    expect(b.configView.has('instance-ip', 'iip1')).toBe(false);

    const mark = applied.length;
    const vm3 = await lab.create('virtual-machine', { fq_name: ['vm3'] });
    await lab.update('virtual-router', ids.vrB, { virtual_machine_refs: [{ uuid: ids.vm2 }, { uuid: vm3 }] });
    await vmi('vmi3', vm3, []);
    await b.waitForConfig((x) => x.has('virtual-machine-interface', [...DP, 'vmi3']));
    expect(iqsOf(a, mark)).toEqual([]);
    expect(a.configView.has('virtual-machine', 'vm3')).toBe(false);
  });

  it('an agent that does not subscribe gets nothing, and its routing is unaffected', async () => {
    const a = lab.agents.find((x) => x.name === 'cfg-a')!;
    const c = agent('cfg-c', '192.0.2.33', false);
    a.addInterface({ uuid: ids.vmi1, ri: blue.ri, address: '10.1.1.3', label: 21, vn: blue.fq.join(':') });
    c.subscribe(blue.ri, 7);
    c.start();
    const e = await c.waitForRoute(blue.ri, '10.1.1.3/32');
    expect(e.nextHops[0]).toMatchObject({ address: '192.0.2.31', label: 21 });
    await c.waitForEndOfRib();
    // Config changes on the network it routes in still send it nothing.
    await lab.update('virtual-network', blue.uuid, { display_name: 'blue!' });
    await a.waitForConfig((x) => x.node('virtual-network', blue.fq)?.json['display_name'] === 'blue!');
    expect(await never(() => c.configIqsReceived > 0, 300)).toBe(true);
    expect(c.configView.size).toEqual({ nodes: 0, links: 0 });
    expect(c.counters.ignoredStanzas).toBe(0);
    // The config subscription is not a routing subscription on the control node.
    const n = await soon(() => lab.introspect('/neighbors/cfg-a'), 'cfg-a in introspect');
    expect(n.subscribed_ris).toEqual([blue.ri]);
  });

  it('virtual-machine subscriptions: a VM on no vrouter is sent on subscribe and withdrawn on unsubscribe', async () => {
    const vm4 = await lab.create('virtual-machine', { fq_name: ['vm4'] });
    await vmi('vmi4', vm4, []);
    await lab.sync();
    const c = lab.agents.find((x) => x.name === 'cfg-c')!;
    c.subscribeConfig(`virtual-machine:${vm4}`);
    await c.waitForConfig(
      (x) => x.has('virtual-machine-interface', [...DP, 'vmi4']) && x.has('virtual-network', blue.fq),
    );
    expect(c.configView.has('virtual-router', [GSC, 'cfg-c'])).toBe(false);
    c.unsubscribeConfig(`virtual-machine:${vm4}`);
    await c.waitForConfig((x) => x.size.nodes === 0 && x.size.links === 0);
  });
});
