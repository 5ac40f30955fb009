import { ID_POOLS, prepareIdPool } from '@skein/ipam';
import { findByFqName } from '@skein/store';
import type { Identity } from './auth/identity';
import type { ConfigService } from './engine/config-service';
import type { ObjectWriter } from './engine/object-writer';
import type { WriteTx } from './engine/write-tx';
import { PREDEFINED_TAG_TYPES } from './hooks/tags';

const BOOTSTRAP: Identity = { admin: true, roles: ['admin'], actor: 'skein-bootstrap' };
const DP = ['default-domain', 'default-project'];

/**
 * The objects the API creates at first start (config-api.md §7), in one idempotent transaction. An advisory
 * lock keeps two replicas starting together from racing.
 */
export async function bootstrapDefaults(svc: ConfigService, opts: { rbac?: boolean } = {}): Promise<boolean> {
  const ctx = svc.newContext(BOOTSTRAP, '', 'req-bootstrap');
  const r = await svc.write(ctx, async (w) => {
    await w.c.query('SELECT pg_advisory_xact_lock(7346001)');
    if (await findByFqName(w.c, 'global-system-config', ['default-global-system-config'])) return false;
    await create(svc.writer, w, opts.rbac ?? false);
    return true;
  });
  // Seed the id free lists outside the hot path, so concurrent first allocations do not queue on a fill.
  await svc.write(ctx, async (w) => {
    for (const p of [ID_POOLS.virtualNetworkId, ID_POOLS.securityGroupId, ID_POOLS.routeTarget])
      await prepareIdPool(w.c, p.name, p.range);
  });
  return r.value;
}

async function create(writer: ObjectWriter, w: WriteTx, rbac: boolean) {
  const mk = (
    type: string,
    fq_name: string[],
    parent_type: string,
    props: Record<string, unknown> = {},
    extra: Record<string, any> = {},
  ) => writer.createInternal(w, type, { fq_name, parent_type, props, ...extra });
  const ref = (o: { uuid: string; type: string; fq_name: string[] }, attr: unknown = null) => ({
    to_uuid: o.uuid,
    to_type: o.type,
    to_fq_name: o.fq_name,
    attr,
    relaxed: false,
  });

  const gsc = await mk('global-system-config', ['default-global-system-config'], 'config-root', {
    autonomous_system: 64512,
  });
  const gvc = await mk(
    'global-vrouter-config',
    [...gsc.fq_name, 'default-global-vrouter-config'],
    'global-system-config',
  );
  await mk('domain', ['default-domain'], 'config-root');
  await mk('project', DP, 'domain');
  // Tag types first: the predefined ids 0..6 are fixed and hidden.
  for (const name of Object.keys(PREDEFINED_TAG_TYPES)) {
    await mk('tag-type', [name], 'config-root', {}, { hidden: true });
  }
  const ipam = await mk(
    'network-ipam',
    [...DP, 'default-network-ipam'],
    'project',
    {},
    { perms2: { global_access: 5 } },
  );
  await mk(
    'virtual-network',
    [...DP, 'default-virtual-network'],
    'project',
    { virtual_network_network_id: 1 },
    { refs: [ref(ipam, { ipam_subnets: [] })] },
  );
  const pm = await mk('policy-management', ['default-policy-management'], 'config-root');
  await mk(
    'application-policy-set',
    [...pm.fq_name, 'default-application-policy-set'],
    'policy-management',
    { all_applications: true },
    { refs: [ref(gvc)] },
  );
  const fabric = await mk('virtual-network', [...DP, 'ip-fabric'], 'project', {
    virtual_network_network_id: 2,
    is_provider_network: true,
  });
  await mk('routing-instance', [...fabric.fq_name, '__default__'], 'virtual-network');
  await mk('virtual-network', [...DP, '__link_local__'], 'project', { virtual_network_network_id: 3 });
  await mk('security-group', [...DP, '__no_rule__'], 'project', {}, { perms2: { global_access: 5 } });
  await mk('network-ipam', [...DP, 'service-chain-flat-ipam'], 'project', {
    ipam_subnet_method: 'flat-subnet',
    ipam_subnets: {
      subnets: [
        {
          subnet: { ip_prefix: '0.0.0.0', ip_prefix_len: 8 },
          addr_from_start: false,
          default_gateway: '0.255.255.254',
          dns_server_address: '0.255.255.253',
        },
        { subnet: { ip_prefix: '::ffff', ip_prefix_len: 104 } },
      ],
    },
  });
  if (rbac) {
    await mk('api-access-list', [...gsc.fq_name, 'default-api-access-list'], 'global-system-config', {
      api_access_list_entries: {
        rbac_rule: [
          {
            rule_object: 'fqname-to-id',
            rule_field: '',
            rule_perms: [{ role_name: '*', role_crud: 'CRUD' }],
          },
          {
            rule_object: 'id-to-fqname',
            rule_field: '',
            rule_perms: [{ role_name: '*', role_crud: 'CRUD' }],
          },
          {
            rule_object: 'useragent-kv',
            rule_field: '',
            rule_perms: [{ role_name: '*', role_crud: 'CRUD' }],
          },
          { rule_object: 'ref-update', rule_field: '', rule_perms: [{ role_name: '*', role_crud: 'CRUD' }] },
          { rule_object: '/', rule_field: '', rule_perms: [{ role_name: '*', role_crud: 'R' }] },
          { rule_object: 'watch', rule_field: '', rule_perms: [{ role_name: '*', role_crud: 'R' }] },
        ],
      },
    });
  }
}
