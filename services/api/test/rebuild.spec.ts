/**
 * rebuildStore (libs/store/src/rebuild.ts) against the real API: a seeded random workload must replay to
 * exactly the live tables; tampered tables and unreadable event rows must be reported.
 *
 * Reproduce a failing run with SKEIN_REBUILD_SEED=<seed printed by the run>.
 */
import {
  formatRebuildReport,
  rebuildStore,
  RebuildError,
  type RebuildDb,
  type RebuildReport,
  type SqlClient,
} from '@skein/store';
import { setTimeout as sleep } from 'node:timers/promises';
import { create, DP, IPAM, read } from './fixtures';
import { startTestApi, type Reply, type TestApi } from './harness';

/** mulberry32: small, seedable, good enough to pick operations. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = process.env.SKEIN_REBUILD_SEED ? Number(process.env.SKEIN_REBUILD_SEED) : Date.now() % 2 ** 31;
const OPS = Number(process.env.SKEIN_REBUILD_OPS ?? 300);
/** Rebuild every this many operations, so a mismatch is pinned to the operations just before it. */
const CHECK_EVERY = 25;

const npRule = (port: number) => ({
  direction: '<>',
  protocol: 'tcp',
  src_addresses: [{ virtual_network: 'any' }],
  dst_addresses: [{ virtual_network: 'any' }],
  src_ports: [{ start_port: -1, end_port: -1 }],
  dst_ports: [{ start_port: port, end_port: port }],
  action_list: { simple_action: 'pass' },
});
const sgRule = (port: number) => ({
  direction: '>',
  protocol: 'tcp',
  ethertype: 'IPv4',
  src_addresses: [{ security_group: 'local' }],
  dst_addresses: [{ subnet: { ip_prefix: '0.0.0.0', ip_prefix_len: 0 } }],
  src_ports: [{ start_port: 0, end_port: 65535 }],
  dst_ports: [{ start_port: port, end_port: port }],
});

const expectIdentical = (r: RebuildReport, context: string) => {
  if (!r.identical) throw new Error(`${context}\n${formatRebuildReport(r)}`);
};

describe('rebuildStore: a random workload through the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it(`a seeded random workload through the API replays to the live tables (seed ${SEED})`, async () => {
    console.log(`rebuild random run: SKEIN_REBUILD_SEED=${SEED} SKEIN_REBUILD_OPS=${OPS}`);
    const rnd = prng(SEED);
    const int = (n: number) => Math.floor(rnd() * n);
    const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[int(xs.length)] : undefined);
    const subset = <T>(xs: T[], max: number): T[] => {
      const shuffled = [...xs].sort(() => rnd() - 0.5);
      return shuffled.slice(0, int(Math.min(max, xs.length) + 1));
    };
    const http = api.http;

    const projectFq = new Map<string, string[]>();
    const projects = () => [DP, ...projectFq.values()];
    const live = {
      vn: [] as { uuid: string; subnet: boolean }[],
      np: [] as string[],
      sg: [] as string[],
      vmi: [] as string[],
      iip: [] as string[],
      project: [] as string[],
    };
    let n = 0;
    let subnetNo = 0;
    const log: string[] = [];
    const outcome: Record<string, Record<number, number>> = {};
    const note = (what: string, r: Reply) => {
      log.push(
        `${log.length + 1}. ${what} → ${r.status}${r.status === 200 ? '' : ' ' + r.text.slice(0, 160)}`,
      );
      const kind = what.split(' ')[0];
      (outcome[kind] ??= {})[r.status] ??= 0;
      outcome[kind][r.status]++;
      if (r.status >= 500) throw new Error(`server error (seed ${SEED}):\n${log.slice(-20).join('\n')}`);
      return r.status === 200;
    };
    const drop = (list: string[], u: string) => list.splice(list.indexOf(u), 1);

    const post = async (type: string, body: Record<string, unknown>): Promise<string | undefined> => {
      const r = await http('POST', `/${type}s`, { [type]: body });
      return note(`create ${type} ${JSON.stringify(body.fq_name)}`, r) ? r.json[type].uuid : undefined;
    };
    const put = (type: string, uuid: string, body: Record<string, unknown>) =>
      http('PUT', `/${type}/${uuid}`, { [type]: body }).then((r) =>
        note(`put ${type} ${uuid} ${JSON.stringify(body).slice(0, 200)}`, r),
      );
    const del = (type: string, uuid: string) =>
      http('DELETE', `/${type}/${uuid}`).then((r) => note(`delete ${type} ${uuid}`, r));
    const action = (path: string, body: Record<string, unknown>) =>
      http('POST', path, body).then((r) => note(`${path.slice(1)} ${JSON.stringify(body)}`, r));
    const policyRefs = () =>
      subset(live.np, 3).map((uuid, i) => ({ uuid, attr: { sequence: { major: int(3), minor: i } } }));
    const vnsWithSubnet = () => live.vn.filter((v) => v.subnet).map((v) => v.uuid);

    const ops: [number, () => Promise<unknown>][] = [
      [
        2,
        async () => {
          const fq = ['default-domain', `p${++n}`];
          const u = await post('project', { fq_name: fq });
          if (!u) return;
          projectFq.set(u, fq);
          live.project.push(u);
        },
      ],
      [
        6,
        async () => {
          const withSubnet = rnd() < 0.6;
          const k = ++subnetNo;
          const body: Record<string, unknown> = { fq_name: [...pick(projects())!, `vn${++n}`] };
          if (withSubnet)
            body.network_ipam_refs = [
              {
                to: IPAM,
                attr: {
                  ipam_subnets: [
                    { subnet: { ip_prefix: `10.${(k >> 8) & 255}.${k & 255}.0`, ip_prefix_len: 24 } },
                  ],
                },
              },
            ];
          if (rnd() < 0.5) body.network_policy_refs = policyRefs();
          if (rnd() < 0.3) body.virtual_network_refs = subset(live.vn, 2).map((v) => ({ uuid: v.uuid }));
          if (rnd() < 0.3) body.virtual_network_properties = { forwarding_mode: pick(['l2_l3', 'l3', 'l2']) };
          const u = await post('virtual-network', body);
          if (u) live.vn.push({ uuid: u, subnet: withSubnet });
        },
      ],
      [
        5,
        async () => {
          const u = await post('network-policy', {
            fq_name: [...pick(projects())!, `np${++n}`],
            network_policy_entries: { policy_rule: [npRule(1 + int(1000))] },
          });
          if (u) live.np.push(u);
        },
      ],
      [
        4,
        async () => {
          const u = await post('security-group', {
            fq_name: [...pick(projects())!, `sg${++n}`],
            security_group_entries: { policy_rule: [sgRule(1 + int(1000))] },
          });
          if (u) live.sg.push(u);
        },
      ],
      [
        6,
        async () => {
          const vn = pick(live.vn);
          if (!vn) return;
          const body: Record<string, unknown> = {
            fq_name: [...pick(projects())!, `vmi${++n}`],
            parent_type: 'project',
            virtual_network_refs: [{ uuid: vn.uuid }],
            security_group_refs: subset(live.sg, 3).map((uuid) => ({ uuid })),
          };
          if (rnd() < 0.3)
            body.virtual_machine_interface_fat_flow_protocols = {
              fat_flow_protocol: [{ protocol: 'tcp', port: 1 + int(9000) }],
            };
          const u = await post('virtual-machine-interface', body);
          if (u) live.vmi.push(u);
        },
      ],
      [
        5,
        async () => {
          const vn = pick(vnsWithSubnet());
          if (!vn) return;
          const body: Record<string, unknown> = {
            fq_name: [`iip${++n}`],
            virtual_network_refs: [{ uuid: vn }],
          };
          const vmi = pick(live.vmi);
          if (vmi && rnd() < 0.6) body.virtual_machine_interface_refs = [{ uuid: vmi }];
          const u = await post('instance-ip', body);
          if (u) live.iip.push(u);
        },
      ],
      // PUTs: props, ref lists (replaced, reordered, cleared), symmetric VN↔VN refs, a VMI moving to another VN.
      [
        8,
        async () => {
          const vn = pick(live.vn);
          if (!vn) return;
          const body: Record<string, unknown> = {};
          const r = rnd();
          if (r < 0.35) body.network_policy_refs = policyRefs();
          else if (r < 0.6)
            body.virtual_network_refs = subset(
              live.vn.filter((v) => v !== vn),
              3,
            ).map((v) => ({ uuid: v.uuid }));
          else if (r < 0.8) body.display_name = `vn-${int(1e6)}`;
          else body.annotations = { key_value_pair: [{ key: `k${int(3)}`, value: `v${int(100)}` }] };
          await put('virtual-network', vn.uuid, body);
        },
      ],
      [
        7,
        async () => {
          const vmi = pick(live.vmi);
          if (!vmi) return;
          const r = rnd();
          if (r < 0.5)
            await put('virtual-machine-interface', vmi, {
              security_group_refs: subset(live.sg, 3).map((uuid) => ({ uuid })),
            });
          else if (r < 0.75 && live.vn.length)
            await put('virtual-machine-interface', vmi, {
              virtual_network_refs: [{ uuid: pick(live.vn)!.uuid }],
            });
          else
            await put('virtual-machine-interface', vmi, {
              display_name: rnd() < 0.2 ? null : `vmi-${int(1e6)}`,
            });
        },
      ],
      [
        4,
        async () => {
          const np = pick(live.np);
          if (np)
            await put('network-policy', np, {
              network_policy_entries: {
                policy_rule: [npRule(1 + int(1000)), npRule(2000 + int(1000))].slice(0, 1 + int(2)),
              },
            });
        },
      ],
      [
        3,
        async () => {
          const sg = pick(live.sg);
          if (sg)
            await put(
              'security-group',
              sg,
              rnd() < 0.5
                ? { security_group_entries: { policy_rule: [sgRule(1 + int(1000))] } }
                : { display_name: `sg-${int(1e6)}` },
            );
        },
      ],
      [
        2,
        async () => {
          const all = [...live.vn.map((v) => v.uuid), ...live.np, ...live.sg, ...live.vmi, ...live.project];
          const u = pick(all);
          if (u) await action('/chmod', { uuid: u, global_access: int(8) });
        },
      ],
      // ref-update ADD (re-ADD replaces the attr) and DELETE, sometimes relaxed.
      [
        8,
        async () => {
          const r = rnd();
          const op = rnd() < 0.65 ? 'ADD' : 'DELETE';
          const relax = rnd() < 0.3;
          if (r < 0.4) {
            const vn = pick(live.vn),
              np = pick(live.np);
            if (!vn || !np) return;
            await action('/ref-update', {
              operation: op,
              type: 'virtual-network',
              uuid: vn.uuid,
              'ref-type': 'network-policy',
              'ref-uuid': np,
              attr: { sequence: { major: int(3), minor: int(3) } },
              relax_ref_for_delete: relax,
            });
          } else if (r < 0.75) {
            const vmi = pick(live.vmi),
              sg = pick(live.sg);
            if (!vmi || !sg) return;
            await action('/ref-update', {
              operation: op,
              type: 'virtual-machine-interface',
              uuid: vmi,
              'ref-type': 'security-group',
              'ref-uuid': sg,
              relax_ref_for_delete: relax,
            });
          } else {
            const a = pick(live.vn),
              b = pick(live.vn);
            if (!a || !b || a === b) return;
            await action('/ref-update', {
              operation: op,
              type: 'virtual-network',
              uuid: a.uuid,
              'ref-type': 'virtual-network',
              'ref-uuid': b.uuid,
            });
          }
        },
      ],
      // ref-relax-for-delete, then delete the target (still 409 while another holder has a strict ref).
      [
        4,
        async () => {
          if (rnd() < 0.5) {
            const vmi = pick(live.vmi);
            if (!vmi) return;
            const sgRef = pick(
              (await read(http, 'virtual-machine-interface', vmi)).security_group_refs ?? [],
            ) as any;
            if (!sgRef) return;
            await action('/ref-relax-for-delete', { uuid: vmi, 'ref-uuid': sgRef.uuid });
            if (await del('security-group', sgRef.uuid)) drop(live.sg, sgRef.uuid);
          } else {
            const vn = pick(live.vn);
            if (!vn) return;
            const npRef = pick(
              (await read(http, 'virtual-network', vn.uuid)).network_policy_refs ?? [],
            ) as any;
            if (!npRef) return;
            await action('/ref-relax-for-delete', { uuid: vn.uuid, 'ref-uuid': npRef.uuid });
            if (await del('network-policy', npRef.uuid)) drop(live.np, npRef.uuid);
          }
        },
      ],
      [
        5,
        async () => {
          const f = 'virtual_machine_interface_fat_flow_protocols';
          const r = rnd();
          if (r < 0.6) {
            const vmi = pick(live.vmi);
            if (!vmi) return;
            const cur = ((await read(http, 'virtual-machine-interface', vmi))[f]?.fat_flow_protocol ??
              []) as unknown[];
            const updates: unknown[] = [
              { field: f, operation: 'add', value: { protocol: pick(['tcp', 'udp']), port: 1 + int(9000) } },
            ];
            if (cur.length && rnd() < 0.5)
              updates.push({
                field: f,
                operation: 'modify',
                value: { protocol: 'udp', port: 1 + int(9000) },
                position: int(cur.length),
              });
            if (cur.length && rnd() < 0.5)
              updates.unshift({ field: f, operation: 'delete', position: int(cur.length) });
            await action('/prop-collection-update', { uuid: vmi, updates });
          } else {
            const u = pick([...live.vn.map((v) => v.uuid), ...live.np, ...live.sg]);
            if (!u) return;
            const key = `k${int(3)}`;
            await action('/prop-collection-update', {
              uuid: u,
              updates: [
                rnd() < 0.7
                  ? { field: 'annotations', operation: 'set', value: { key, value: `v${int(100)}` } }
                  : { field: 'annotations', operation: 'delete', position: key },
              ],
            });
          }
        },
      ],
      [
        3,
        async () => {
          const u = pick(live.iip);
          if (u && (await del('instance-ip', u))) drop(live.iip, u);
        },
      ],
      [
        3,
        async () => {
          const u = pick(live.vmi);
          if (u && (await del('virtual-machine-interface', u))) drop(live.vmi, u);
        },
      ],
      [
        3,
        async () => {
          // A VN delete takes its routing instance and route target with it; VN↔VN peers lose their refs.
          const vn = pick(live.vn);
          if (vn && (await del('virtual-network', vn.uuid))) live.vn.splice(live.vn.indexOf(vn), 1);
        },
      ],
      [
        2,
        async () => {
          const r = rnd();
          const [type, list] =
            r < 0.4
              ? ['network-policy', live.np]
              : r < 0.8
                ? ['security-group', live.sg]
                : ['project', live.project];
          const u = pick(list as string[]);
          if (!u) return;
          if (await del(type as string, u)) {
            drop(list as string[], u);
            projectFq.delete(u);
          }
        },
      ],
    ];
    const totalWeight = ops.reduce((s, [w]) => s + w, 0);
    const step = async () => {
      let x = rnd() * totalWeight;
      for (const [w, fn] of ops) {
        if ((x -= w) < 0) return fn();
      }
    };

    const started = Date.now();
    let checked = 0;
    const check = async (label: string, opts: Parameters<typeof rebuildStore>[1] = {}) => {
      const r = await rebuildStore(api.db, { sampleLimit: 10_000, ...opts });
      expectIdentical(
        r,
        `rebuild differs ${label} (seed ${SEED}); the requests since the last check:\n${log.slice(checked).join('\n')}`,
      );
      checked = log.length;
      return r;
    };
    for (let i = 1; i <= OPS; i++) {
      await step();
      if (i % CHECK_EVERY === 0) await check(`after operation ${i}`);
    }
    console.log(
      `rebuild random run: ${OPS} operations in ${Date.now() - started} ms; outcomes ${JSON.stringify(outcome)}`,
    );

    // The workload must actually have exercised what the replay has to get right.
    const { rows } = await api.db.query(
      `SELECT oper, type, count(*)::int AS n FROM config_events GROUP BY oper, type`,
    );
    const has = (oper: string, type?: string) =>
      rows.some((r) => r.oper === oper && (!type || r.type === type));
    for (const oper of ['CREATE', 'UPDATE', 'DELETE', 'REF_ADD', 'REF_DELETE', 'PROP_COLLECTION'])
      expect(has(oper)).toBe(true);
    expect(
      has('DELETE', 'routing-instance') && has('DELETE', 'route-target') && has('DELETE', 'virtual-network'),
    ).toBe(true);
    const { rows: relaxed } = await api.db.query(
      `SELECT count(*)::int AS n FROM config_events WHERE envelope->'object' @? '$.*[*].relaxed ? (@ == true)'`,
    );
    expect(relaxed[0].n).toBeGreaterThan(0);

    const progress: [number, number][] = [];
    const final = await check('at the end', { batchSize: 97, onProgress: (d, t) => progress.push([d, t]) });
    expect(final.events).toBe(await api.eventCount());
    expect(final.head).toBe(await api.head());
    expect(final.objects.rebuilt).toBe(final.objects.live);
    expect(progress[0]).toEqual([0, final.events]);
    expect(progress[progress.length - 1]).toEqual([final.events, final.events]);
    expect(progress.length).toBe(1 + Math.ceil(final.events / 97));
    expect(final.schema).toBeUndefined();
    const { rows: left } = await api.db.query(
      `SELECT relname FROM pg_class WHERE relname LIKE 'skein\\_rebuild%' UNION ALL SELECT nspname FROM pg_namespace WHERE nspname LIKE 'skein\\_rebuild%'`,
    );
    expect(left).toEqual([]);
  });
});

describe('rebuildStore: checks', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('replays while writers are running: one snapshot on both sides', async () => {
    let stop = false;
    const writers = Array.from({ length: 2 }, async (_, k) => {
      let i = 0;
      while (!stop) {
        const np = await create(api.http, 'network-policy', { fq_name: [...DP, `conc-${k}-${i++}`] });
        await api.http('PUT', `/network-policy/${np}`, { 'network-policy': { display_name: `d${i}` } });
        if (i % 3 === 0) await api.http('DELETE', `/network-policy/${np}`);
      }
      return i;
    });
    // Each statement of the rebuild waits a little first, so writes commit between its batches and before
    // its comparison (without the REPEATABLE READ snapshot this reports differences).
    const slow: RebuildDb = {
      tx: (fn, isolation) =>
        api.db.tx(
          (c) =>
            fn({
              query: async (text: string, values?: unknown[]) => (await sleep(10), c.query(text, values)),
            } as SqlClient),
          isolation,
        ),
    };
    try {
      for (let i = 0; i < 3; i++) {
        const before = await api.eventCount();
        const r = await rebuildStore(slow, { batchSize: 20 });
        expectIdentical(r, `rebuild during writes #${i}`);
        expect(await api.eventCount()).toBeGreaterThan(before);
      }
    } finally {
      stop = true;
    }
    expect((await Promise.all(writers)).every((i) => i > 0)).toBe(true);
  });

  it('names the object whose live row was changed without an event', async () => {
    const np = await create(api.http, 'network-policy', { fq_name: [...DP, 'tamper-np'] });
    await api.db.query(
      `UPDATE objects SET props = jsonb_set(props, '{display_name}', '"tampered"') WHERE uuid = $1`,
      [np],
    );
    try {
      const r = await rebuildStore(api.db);
      expect(r.identical).toBe(false);
      expect(r.refs.differing).toBe(0);
      expect(r.objects).toMatchObject({ differing: 1, onlyLive: 1, onlyRebuilt: 1 });
      expect(r.objects.samples).toEqual([
        expect.objectContaining({
          uuid: np,
          type: 'network-policy',
          fq_name: [...DP, 'tamper-np'],
          columns: ['props'],
        }),
      ]);
      expect((r.objects.samples[0].live as any).props.display_name).toBe('tampered');
      expect((r.objects.samples[0].rebuilt as any).props.display_name).toBe('tamper-np');
      expect(formatRebuildReport(r)).toContain(np);
    } finally {
      await api.db.query(
        `UPDATE objects SET props = jsonb_set(props, '{display_name}', '"tamper-np"') WHERE uuid = $1`,
        [np],
      );
    }
    expectIdentical(await rebuildStore(api.db), 'after restoring the tampered row');
  });

  it('names the ref row deleted without an event, and an object row the log never created', async () => {
    const sg = await create(api.http, 'security-group', { fq_name: [...DP, 'tamper-sg'] });
    const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'tamper-vn'] });
    const vmi = await create(api.http, 'virtual-machine-interface', {
      fq_name: [...DP, 'tamper-vmi'],
      parent_type: 'project',
      virtual_network_refs: [{ uuid: vn }],
      security_group_refs: [{ uuid: sg }],
    });
    const { rows } = await api.db.query(
      `DELETE FROM refs WHERE from_uuid = $1 AND to_uuid = $2 RETURNING *`,
      [vmi, sg],
    );
    expect(rows).toHaveLength(1);
    const ghost = '00000000-0000-4000-8000-00000000beef';
    await api.db.query(
      `INSERT INTO objects (uuid, type, fq_name, fq_key, parent_uuid, parent_type, props, id_perms, perms2, version)
       VALUES ($1, 'network-policy', '["ghost"]', 'ghost', NULL, 'config-root', '{}', '{}', '{}', 1)`,
      [ghost],
    );
    try {
      const r = await rebuildStore(api.db, { keep: true });
      expect(r.refs).toMatchObject({ differing: 1, onlyLive: 0, onlyRebuilt: 1 });
      expect(r.refs.samples[0]).toMatchObject({
        from_uuid: vmi,
        from_type: 'virtual-machine-interface',
        to_uuid: sg,
        to_type: 'security-group',
        live: null,
      });
      expect(r.objects).toMatchObject({ differing: 1, onlyLive: 1, onlyRebuilt: 0 });
      expect(r.objects.samples[0]).toMatchObject({ uuid: ghost, rebuilt: null });
      // keep: the rebuilt tables stay for inspection.
      expect(r.schema).toMatch(/^skein_rebuild_[0-9a-f]+$/);
      const kept = await api.db.query(
        `SELECT count(*)::int AS n FROM "${r.schema}".refs WHERE from_uuid = $1 AND to_uuid = $2`,
        [vmi, sg],
      );
      expect(kept.rows[0].n).toBe(1);
      expect((await api.db.query(`SELECT count(*)::int AS n FROM "${r.schema}".objects`)).rows[0].n).toBe(
        r.objects.rebuilt,
      );
      await api.db.query(`DROP SCHEMA "${r.schema}" CASCADE`);
    } finally {
      await api.db.query(`DELETE FROM objects WHERE uuid = $1`, [ghost]);
      const row = rows[0];
      await api.db.query(
        `INSERT INTO refs (from_uuid, to_uuid, from_type, to_type, attr, relaxed, position) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.from_uuid, row.to_uuid, row.from_type, row.to_type, row.attr, row.relaxed, row.position],
      );
    }
    expectIdentical(await rebuildStore(api.db), 'after restoring the tampered refs');
  });

  it('refuses a compacted log', async () => {
    await api.db.query(`INSERT INTO skein_meta (key, value) VALUES ('events_compacted_below', '5')`);
    try {
      await expect(rebuildStore(api.db)).rejects.toThrow(/compacted below seq 5/);
    } finally {
      await api.db.query(`DELETE FROM skein_meta WHERE key = 'events_compacted_below'`);
    }
  });

  // Last: the bad rows go into the live log (the API's tailers must not meet them before this test).
  it('stops at an event it cannot apply, naming its seq', async () => {
    const bad = async (oper: string, envelope: unknown) => {
      const { rows } = await api.db.query(
        `INSERT INTO config_events (seq, oper, type, uuid, envelope) VALUES (nextval('config_events_seq'), $1, 'network-policy', '00000000-0000-4000-8000-000000000001', $2)
         RETURNING seq`,
        [oper, JSON.stringify(envelope)],
      );
      return Number(rows[0].seq);
    };
    const expectRefused = async (seq: number, message: RegExp) => {
      const err = await rebuildStore(api.db).then(
        () => undefined,
        (e) => e,
      );
      expect(err).toBeInstanceOf(RebuildError);
      expect(err.seq).toBe(seq);
      expect(err.message).toContain(`seq ${seq}`);
      expect(err.message).toMatch(message);
      await api.db.query(`DELETE FROM config_events WHERE seq = $1`, [seq]);
    };
    const uuid = '00000000-0000-4000-8000-000000000001';
    const obj = { uuid, fq_name: [...DP, 'x'], name: 'x', parent_type: 'project', id_perms: {}, perms2: {} };
    await expectRefused(
      await bad('FROBNICATE', { oper: 'FROBNICATE', type: 'network-policy', uuid, object: obj, version: 1 }),
      /unknown oper "FROBNICATE"/,
    );
    await expectRefused(
      await bad('UPDATE', { oper: 'UPDATE', type: 'network-policy', uuid, version: 1 }),
      /envelope.object is missing/,
    );
    await expectRefused(
      await bad('UPDATE', {
        oper: 'UPDATE',
        type: 'network-policy',
        uuid,
        object: { ...obj, tag_refs: [{ uuid: 'nope' }] },
        version: 1,
      }),
      /object.tag_refs is not a list of refs/,
    );
    await expectRefused(
      await bad('UPDATE', { oper: 'UPDATE', type: 'network-policy', uuid, object: obj, version: 'one' }),
      /version is not an integer/,
    );
    expectIdentical(await rebuildStore(api.db), 'after removing the bad rows');
  });
});

/**
 * Found by the random run: when an object loses a ref as a side effect (its target is deleted while the ref
 * is relaxed or symmetric, or a VN↔VN ref is dropped at the other end), the refs of the same type after it
 * must move up, as the event numbers them.
 */
describe('rebuildStore: ref positions after a ref is removed as a side effect', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  const seq = (minor: number) => ({ sequence: { major: 0, minor } });

  it('a relaxed VN→policy ref removed by the policy delete moves the next policy ref up', async () => {
    const a = await create(api.http, 'network-policy', { fq_name: [...DP, 'bug-np-a'] });
    const b = await create(api.http, 'network-policy', { fq_name: [...DP, 'bug-np-b'] });
    const vn = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'bug-vn'],
      network_policy_refs: [
        { uuid: a, attr: seq(0) },
        { uuid: b, attr: seq(1) },
      ],
    });
    expect((await api.http('POST', '/ref-relax-for-delete', { uuid: vn, 'ref-uuid': a })).status).toBe(200);
    expect((await api.http('DELETE', `/network-policy/${a}`)).status).toBe(200);
    // The REF_DELETE event lists [b] at position 0; the live row must agree.
    const r = await rebuildStore(api.db);
    expect(r.refs.samples.filter((d) => d.from_uuid === vn)).toEqual([]);
  });

  it("a VN delete moves its symmetric peer's next VN ref up", async () => {
    const x = await create(api.http, 'virtual-network', { fq_name: [...DP, 'bug-vn-x'] });
    const y = await create(api.http, 'virtual-network', { fq_name: [...DP, 'bug-vn-y'] });
    const z = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'bug-vn-z'],
      virtual_network_refs: [{ uuid: y }, { uuid: x }],
    });
    expect((await api.http('DELETE', `/virtual-network/${y}`)).status).toBe(200);
    const r = await rebuildStore(api.db);
    expect(r.refs.samples.filter((d) => d.from_uuid === z)).toEqual([]);
  });

  it("a VN↔VN ref dropped at one end moves the other end's next VN ref up", async () => {
    const a = await create(api.http, 'virtual-network', { fq_name: [...DP, 'bug-vn-a'] });
    const b = await create(api.http, 'virtual-network', { fq_name: [...DP, 'bug-vn-b'] });
    const p = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'bug-vn-p'],
      virtual_network_refs: [{ uuid: a }, { uuid: b }],
    });
    expect(
      (await api.http('PUT', `/virtual-network/${a}`, { 'virtual-network': { virtual_network_refs: [] } }))
        .status,
    ).toBe(200);
    const r = await rebuildStore(api.db);
    expect(r.refs.samples.filter((d) => d.from_uuid === p)).toEqual([]);
  });
});
