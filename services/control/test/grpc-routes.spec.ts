import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ROUTES_PROTO_LOADER_OPTIONS, ROUTES_PROTO_PATH } from '../src';
import { Lab, soon, type Vn } from './harness';

// routing.md Part E: "A gRPC `Routes` service to list and watch routes" — List answers what /routes answers,
// Watch streams the feed that also makes the control.routes records.
type Client = grpc.Client & Record<string, any>;

const NULLABLE = ['rd', 'local_pref', 'med', 'infeasible_reason', 'primary_table'];

/** A List reply in introspect's shape: proto3 optionals come back absent where /routes says null. */
function asIntrospect(reply: any): any {
  const out: any = {
    table: reply.table,
    routes: reply.routes.map((r: any) => ({
      prefix: r.prefix,
      paths: r.paths.map((p: any) => {
        const q = { ...p };
        for (const k of NULLABLE) q[k] = p[k] ?? null;
        return q;
      }),
    })),
  };
  if (reply.next_marker) out.next_marker = reply.next_marker;
  return out;
}

class Watch {
  readonly events: any[] = [];
  error: grpc.ServiceError | undefined;
  readonly stream: grpc.ClientReadableStream<any>;
  constructor(client: Client, req: object) {
    this.stream = client['Watch'](req);
    this.stream.on('data', (e: any) => this.events.push(e));
    this.stream.on('error', (e: grpc.ServiceError) => (this.error = e));
  }
  routes(): any[] {
    return this.events.filter((e) => e.route).map((e) => e.route);
  }
  find(pred: (e: any) => boolean, what: string): Promise<any> {
    return soon(() => this.events.find(pred), what);
  }
}

describe('gRPC Routes service (Part E)', () => {
  let lab: Lab;
  let client: Client;
  let blue: Vn;
  const blueTable = () => `${blue.ri}.inet.0`;

  const list = (req: object): Promise<any> =>
    new Promise((resolve, reject) =>
      client['List'](req, (err: grpc.ServiceError | null, reply: any) =>
        err ? reject(err) : resolve(reply),
      ),
    );

  beforeAll(async () => {
    lab = await Lab.start({ node: { grpc: { host: '127.0.0.1', port: 0 } } });
    blue = await lab.createVn('blue');
    await lab.sync();
    // The client reads optionals as absent (oneofs: false leaves out the synthetic `_rd` fields).
    const def = protoLoader.loadSync(ROUTES_PROTO_PATH, { ...ROUTES_PROTO_LOADER_OPTIONS, oneofs: false });
    const Routes = (grpc.loadPackageDefinition(def) as any).skein.control.v1.Routes;
    client = new Routes(`127.0.0.1:${lab.cn.ports.grpc}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await lab?.close();
  });

  it('Watch: add when an agent publishes, withdraw when it retracts, sessions up/down; filters by table and prefix', async () => {
    const all = new Watch(client, { tables: [blueTable()] });
    const one = new Watch(client, { prefixes: ['10.1.1.4/32'], omit_sessions: true });
    await all.find((e) => e.started, 'watch started');
    await one.find((e) => e.started, 'second watch started');

    const a = await lab.agent('a-grpc', '192.0.2.61');
    a.addInterface({ uuid: 'vmi-g3', ri: blue.ri, address: '10.1.1.3', label: 31, vn: blue.fq.join(':') });
    a.addInterface({ uuid: 'vmi-g4', ri: blue.ri, address: '10.1.1.4', label: 32, vn: blue.fq.join(':') });
    a.start();

    const add = await all.find((e) => e.route?.prefix === '10.1.1.3/32', 'add of 10.1.1.3/32');
    expect(add.route).toMatchObject({
      op: 'ROUTE_OP_ADD',
      ri: blue.ri,
      table: blueTable(),
      peer: 'a-grpc',
      source: 'xmpp',
      path: { peer: 'a-grpc', source: 'xmpp', next_hop: '192.0.2.61', label: 31, local_pref: 100, med: 200 },
    });
    expect(add.route.ts).toMatch(/^\d{4}-/);
    const up = await all.find((e) => e.session?.name === 'a-grpc', 'session up');
    expect(up.session).toMatchObject({ type: 'xmpp', state: 'SESSION_STATE_UP' });
    expect(JSON.parse(up.session.detail_json)).toEqual({ address: expect.any(String) });

    await one.find((e) => e.route?.prefix === '10.1.1.4/32', 'filtered add');
    a.removeInterface('vmi-g3');
    const gone = await all.find(
      (e) => e.route?.prefix === '10.1.1.3/32' && e.route.op === 'ROUTE_OP_WITHDRAW',
      'withdraw of 10.1.1.3/32',
    );
    expect(gone.route.path).toMatchObject({ peer: 'a-grpc', label: 31 });

    await a.stop();
    await all.find((e) => e.session?.name === 'a-grpc' && e.session.state === 'SESSION_STATE_DOWN', 'down');
    await one.find((e) => e.route?.op === 'ROUTE_OP_WITHDRAW', 'filtered withdraw');
    await all.find(
      (e) => e.route?.prefix === '10.1.1.4/32' && e.route.op === 'ROUTE_OP_WITHDRAW',
      'withdraw of 10.1.1.4/32',
    );

    // Every event the control.routes sink got for blue's table, in the same order: one feed.
    const fromSink = lab.routes.records
      .filter((r) => r.value['kind'] === 'route' && r.value['table'] === blueTable())
      .map((r) => `${r.value['op']} ${r.value['prefix']}`);
    const ops: Record<string, string> = {
      ROUTE_OP_ADD: 'add',
      ROUTE_OP_CHANGE: 'change',
      ROUTE_OP_WITHDRAW: 'delete',
    };
    expect(all.routes().map((r) => `${ops[r.op]} ${r.prefix}`)).toEqual(fromSink);
    expect(all.events.filter((e) => e.session).map((e) => e.session.name)).toEqual(['a-grpc', 'a-grpc']);
    expect(one.routes().every((r) => r.prefix === '10.1.1.4/32')).toBe(true);
    expect(one.events.some((e) => e.session)).toBe(false);
    all.stream.cancel();
    one.stream.cancel();
  });

  it('List equals /routes for a table (whole, filtered, paged); bad requests get gRPC codes', async () => {
    const agents = await Promise.all(['192.0.2.71', '192.0.2.72'].map((addr, i) => lab.agent(`l${i}`, addr)));
    agents.forEach((x, i) => {
      x.addInterface({
        uuid: `vmi-l${i}`,
        ri: blue.ri,
        address: '10.1.2.1',
        label: 40 + i,
        vn: blue.fq.join(':'),
      });
      x.addInterface({
        uuid: `vmi-l${i}-own`,
        ri: blue.ri,
        address: `10.1.2.${10 + i}`,
        label: 50 + i,
        vn: blue.fq.join(':'),
      });
      x.start();
    });
    await soon(
      async () =>
        (await lab.introspect(`/routes?table=${encodeURIComponent(blueTable())}`)).routes.length === 3 ||
        undefined,
      'three destinations',
    );

    const cases: [object, string][] = [
      [{ table: blueTable() }, ''],
      [
        { table: blueTable(), prefix: '10.1.2.0/24', longer: true, peer: 'l1' },
        '&prefix=10.1.2.0%2F24&longer=1&peer=l1',
      ],
      [{ table: blueTable(), limit: 1 }, '&limit=1'],
      [{ table: 'bgp.l3vpn.0', source: 'xmpp' }, '&source=xmpp'],
    ];
    for (const [req, query] of cases) {
      const table = (req as { table: string }).table;
      const viaHttp = await lab.introspect(`/routes?table=${encodeURIComponent(table)}${query}`);
      expect(viaHttp.routes.length).toBeGreaterThan(0);
      expect(asIntrospect(await list(req))).toEqual(viaHttp);
    }
    const first = await list({ table: blueTable(), limit: 1 });
    const second = await list({ table: blueTable(), limit: 1, marker: first.next_marker });
    expect(asIntrospect(second)).toEqual(
      await lab.introspect(
        `/routes?table=${encodeURIComponent(blueTable())}&limit=1&marker=${encodeURIComponent(first.next_marker)}`,
      ),
    );
    const ecmp = (await list({ table: blueTable(), prefix: '10.1.2.1/32' })).routes[0];
    expect(ecmp.paths.map((p: any) => [p.peer, p.ecmp]).sort()).toEqual([
      ['l0', true],
      ['l1', true],
    ]);

    await expect(list({ table: 'no.such.table' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(list({ table: blueTable(), source: 'carrier-pigeon' })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(list({})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });
});
