/**
 * The gRPC config API (config-api.md §8) against a real Postgres, through a real @grpc/grpc-js client:
 * replies equal REST's, errors map to gRPC codes with the skein-error-code trailer, and Watch follows the
 * event log (§9 check 45, snapshots, filters, heartbeats, compaction).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SkeinError } from '@skein/model';
import { compactedBelow, compactEvents } from '@skein/store';
import {
  CONFIG_PROTO_PATH,
  ERROR_CODE_TRAILER,
  PROTO_LOADER_OPTIONS,
  startGrpcServer,
  type GrpcServer,
} from '../src/grpc';
import { healthDefinition } from '../src/grpc/health';
import { grpcCode } from '../src/grpc/status';
import { DP, IPAM, read, subnet } from './fixtures';
import { startTestApi, type TestApi } from './harness';

const HEARTBEAT_MS = 200;

type Client = grpc.Client & Record<string, any>;

/** A unary call as a promise; a failure rejects with the ServiceError (code, details, trailers in metadata). */
function call<T = any>(
  client: Client,
  method: string,
  req: object,
  md: Record<string, string> = {},
): Promise<T> {
  const meta = new grpc.Metadata();
  for (const [k, v] of Object.entries(md)) meta.set(k, v);
  return new Promise((resolve, reject) =>
    client[method](req, meta, (err: grpc.ServiceError | null, reply: T) =>
      err ? reject(err) : resolve(reply),
    ),
  );
}

async function failure(
  p: Promise<unknown>,
): Promise<{ code: grpc.status; details: string; skein: string | undefined }> {
  try {
    await p;
  } catch (e: any) {
    return {
      code: e.code,
      details: e.details,
      skein: e.metadata?.get(ERROR_CODE_TRAILER)[0] as string | undefined,
    };
  }
  throw new Error('expected the call to fail');
}

/** An open Watch: items as they arrive, and waits on them. */
class WatchStream {
  readonly items: any[] = [];
  error?: grpc.ServiceError;
  private wake: () => void = () => {};
  readonly stream: grpc.ClientReadableStream<any>;

  constructor(client: Client, req: object, md: Record<string, string> = {}) {
    const meta = new grpc.Metadata();
    for (const [k, v] of Object.entries(md)) meta.set(k, v);
    this.stream = client.Watch(req, meta);
    this.stream.on('data', (d: any) => {
      this.items.push(d);
      this.wake();
    });
    this.stream.on('error', (e: grpc.ServiceError) => {
      this.error = e;
      this.wake();
    });
  }

  /** Resolves once an item matches (returns its index), or rejects on a stream error or after `ms`. */
  async until(pred: (item: any) => boolean, ms = 10_000): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.items.findIndex(pred);
      if (i >= 0) return i;
      if (this.error) throw this.error;
      if (Date.now() > deadline)
        throw new Error(`watch: nothing matched in ${ms} ms; got ${JSON.stringify(this.items.slice(-5))}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 50);
      });
    }
  }

  /** Waits for a heartbeat at or past `seq`: everything up to it has been sent. */
  caughtUp(seq: number) {
    return this.until((it) => it.item === 'heartbeat_head_seq' && it.heartbeat_head_seq >= seq);
  }

  events() {
    return this.items.filter((it) => it.item === 'event').map((it) => it.event);
  }

  /** Resolves with the stream's final error (or undefined if it ends cleanly). */
  ended(ms = 10_000): Promise<grpc.ServiceError | undefined> {
    return new Promise((resolve, reject) => {
      if (this.error) return resolve(this.error);
      const t = setTimeout(() => reject(new Error('watch did not end')), ms);
      this.stream.on('error', (e: grpc.ServiceError) => (clearTimeout(t), resolve(e)));
      this.stream.on('end', () => (clearTimeout(t), resolve(undefined)));
    });
  }

  cancel() {
    this.stream.cancel();
  }
}

const vn = (name: string, subnets: unknown[] = []) => ({
  fq_name: [...DP, name],
  ...(subnets.length ? { network_ipam_refs: [{ to: IPAM, attr: { ipam_subnets: subnets } }] } : {}),
});

describe('gRPC config API', () => {
  let api: TestApi;
  let server: GrpcServer;
  let client: Client;
  let Config: grpc.ServiceClientConstructor;

  beforeAll(async () => {
    api = await startTestApi();
    server = await startGrpcServer({
      svc: api.server.svc,
      auth: api.server.auth,
      events: api.events,
      port: 0,
      hrefBase: api.base,
      heartbeatMs: HEARTBEAT_MS,
    });
    const pkg = grpc.loadPackageDefinition(
      protoLoader.loadSync(CONFIG_PROTO_PATH, PROTO_LOADER_OPTIONS),
    ) as any;
    Config = pkg.skein.config.v1.Config;
    client = new Config(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure()) as Client;
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    await api?.close();
  });

  const events = async (afterSeq: number) =>
    (
      await api.db.query(
        `SELECT seq::int, oper, type, uuid::text FROM config_events WHERE seq > $1 ORDER BY seq`,
        [afterSeq],
      )
    ).rows;

  describe('CRUD equals REST', () => {
    it('Create replies with the written object and its seq; Read equals REST GET', async () => {
      const c = await call(client, 'Create', {
        type: 'virtual-network',
        object_json: JSON.stringify(vn('g-vn1', [subnet('10.9.1.0', 24)])),
      });
      expect(c.type).toBe('virtual-network');
      expect(c.fq_name).toEqual([...DP, 'g-vn1']);
      expect(c.version).toBeGreaterThanOrEqual(1);
      expect(c.seq).toBe(await api.head());
      const rest = await read(api.http, 'virtual-network', c.uuid);
      // Everything REST's POST reply carries, with the same values.
      const projectUuid = rest.parent_uuid;
      expect(JSON.parse(c.object_json)).toMatchObject({
        name: 'g-vn1',
        fq_name: [...DP, 'g-vn1'],
        uuid: c.uuid,
        href: `${api.base}/virtual-network/${c.uuid}`,
        parent_type: 'project',
        parent_uuid: projectUuid,
        parent_href: `${api.base}/project/${projectUuid}`,
        virtual_network_network_id: rest.virtual_network_network_id,
      });

      const r = await call(client, 'Read', { type: 'virtual-network', uuid: c.uuid });
      const g = await api.http('GET', `/virtual-network/${c.uuid}`);
      expect(JSON.parse(r.object_json)).toEqual(g.json['virtual-network']);
      expect(r.version).toBe(Number(g.headers.get('etag')!.replace(/"/g, '')));
      expect(r.seq).toBe(Number(g.headers.get('x-skein-seq')));
      expect(r).toMatchObject({ type: 'virtual-network', uuid: c.uuid, fq_name: [...DP, 'g-vn1'] });

      const byName = await call(client, 'Read', {
        type: 'virtual_network',
        fq_name: [...DP, 'g-vn1'],
        fields: ['display_name'],
      });
      const gf = await api.http('GET', `/virtual-network/${c.uuid}?fields=display_name`);
      expect(JSON.parse(byName.object_json)).toEqual(gf.json['virtual-network']);
    });

    it('Update with if_version, List (plain, detail, count) and Delete match REST', async () => {
      const c = await call(client, 'Create', {
        type: 'virtual-network',
        object_json: JSON.stringify(vn('g-vn2')),
      });
      const u = await call(client, 'Update', {
        type: 'virtual-network',
        uuid: c.uuid,
        patch_json: JSON.stringify({ display_name: 'two' }),
        if_version: c.version,
      });
      expect(u.version).toBe(c.version + 1);
      expect(JSON.parse(u.object_json).display_name).toBe('two');
      expect(u.seq).toBe(await api.head());
      expect((await read(api.http, 'virtual-network', c.uuid)).display_name).toBe('two');

      // A no-op update writes nothing and replies with the object as it stands.
      const before = await api.eventCount();
      const same = await call(client, 'Update', { type: 'virtual-network', uuid: c.uuid, patch_json: '{}' });
      expect(same.version).toBe(u.version);
      expect(await api.eventCount()).toBe(before);

      const plain = await call(client, 'List', {
        type: 'virtual-network',
        parent_uuids: [JSON.parse(u.object_json).parent_uuid],
      });
      const rp = await api.http(
        'GET',
        `/virtual-networks?parent_id=${JSON.parse(u.object_json).parent_uuid}`,
      );
      expect(plain.items.map((i: any) => JSON.parse(i.object_json))).toEqual(rp.json['virtual-networks']);
      expect(plain.as_of_seq).toBe(Number(rp.headers.get('x-skein-seq')));
      expect(plain.count).toBe(rp.json['virtual-networks'].length);

      const detail = await call(client, 'List', {
        type: 'virtual-network',
        obj_uuids: [c.uuid],
        detail: true,
      });
      const rd = await api.http('GET', `/virtual-networks?obj_uuids=${c.uuid}&detail=true`);
      expect(detail.items.map((i: any) => ({ 'virtual-network': JSON.parse(i.object_json) }))).toEqual(
        rd.json['virtual-networks'],
      );
      expect(detail.items[0]).toMatchObject({
        type: 'virtual-network',
        uuid: c.uuid,
        fq_name: [...DP, 'g-vn2'],
      });

      const counted = await call(client, 'List', { type: 'virtual-network', count: true });
      const rc = await api.http('GET', '/virtual-networks?count=true');
      expect(counted.count).toBe(rc.json['virtual-networks'].count);
      expect(counted.items).toEqual([]);

      const page = await call(client, 'List', { type: 'virtual-network', page_limit: 1 });
      expect(page.items).toHaveLength(1);
      expect(page.next_marker).toBe(page.items[0].uuid);

      const d = await call(client, 'Delete', {
        type: 'virtual-network',
        uuid: c.uuid,
        if_version: u.version,
      });
      expect(d).toMatchObject({
        type: 'virtual-network',
        uuid: c.uuid,
        fq_name: [...DP, 'g-vn2'],
        version: u.version,
        seq: await api.head(),
      });
      expect(JSON.parse(d.object_json).display_name).toBe('two');
      expect((await api.http('GET', `/virtual-network/${c.uuid}`)).status).toBe(404);
    });

    it('RefUpdate adds and removes a ref like REST /ref-update', async () => {
      const vnR = await call(client, 'Create', {
        type: 'virtual-network',
        object_json: JSON.stringify(vn('g-vn3')),
      });
      const pol = await call(client, 'Create', {
        type: 'network-policy',
        object_json: JSON.stringify({ fq_name: [...DP, 'g-pol1'] }),
      });
      const attr = { sequence: { major: 0, minor: 0 } };
      const add = await call(client, 'RefUpdate', {
        add: true,
        type: 'virtual-network',
        uuid: vnR.uuid,
        ref_type: 'network_policy',
        ref_uuid: pol.uuid,
        attr_json: JSON.stringify(attr),
      });
      expect(add.version).toBe(vnR.version + 1);
      expect(add.seq).toBe(await api.head());
      const rest = await read(api.http, 'virtual-network', vnR.uuid);
      expect(rest.network_policy_refs).toEqual([
        { to: [...DP, 'g-pol1'], uuid: pol.uuid, href: `${api.base}/network-policy/${pol.uuid}`, attr },
      ]);
      expect(JSON.parse(add.object_json).network_policy_refs).toEqual(rest.network_policy_refs);

      const del = await call(client, 'RefUpdate', {
        add: false,
        type: 'virtual-network',
        uuid: vnR.uuid,
        ref_type: 'network-policy',
        ref_fq_name: [...DP, 'g-pol1'],
      });
      expect(JSON.parse(del.object_json).network_policy_refs).toBeUndefined();
      expect((await read(api.http, 'virtual-network', vnR.uuid)).network_policy_refs).toBeUndefined();

      expect(
        await failure(
          call(client, 'RefUpdate', {
            add: true,
            type: 'virtual-network',
            uuid: vnR.uuid,
            ref_type: 'network-policy',
          }),
        ),
      ).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        skein: 'BAD_REQUEST',
      });
    });
  });

  describe('errors', () => {
    /** Runs fn and asserts it wrote nothing. */
    async function nothingWritten<T>(fn: () => Promise<T>): Promise<T> {
      const before = await api.eventCount();
      const head = await api.head();
      const r = await fn();
      expect(await api.eventCount()).toBe(before);
      expect(await api.head()).toBe(head);
      return r;
    }

    it('bad input gives INVALID_ARGUMENT with the VNC code, nothing written', async () => {
      const bad = (object_json: string) =>
        nothingWritten(() => failure(call(client, 'Create', { type: 'virtual-network', object_json })));
      expect(await bad(JSON.stringify({ ...vn('g-bad1'), uuid: 'ABC' }))).toEqual({
        code: grpc.status.INVALID_ARGUMENT,
        details: 'Invalid UUID format',
        skein: 'INVALID_UUID',
      });
      expect(await bad(JSON.stringify({ ...vn('g-bad2'), foo: 1 }))).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        skein: 'UNKNOWN_FIELD',
      });
      expect(await bad('{"fq_name": [')).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        skein: 'BAD_REQUEST',
      });
      expect(await bad('[1]')).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, skein: 'BAD_REQUEST' });
      expect(await bad(JSON.stringify({ fq_name: ['x', 'y', 'z'], parent_type: 'domain' }))).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });
      const rest = await api.http(
        'POST',
        '/virtual-networks',
        { 'virtual-network': { ...vn('g-bad1'), uuid: 'ABC' } },
        { accept: 'application/json' },
      );
      expect(rest.status).toBe(400);
      expect(rest.json.code).toBe('INVALID_UUID');
    });

    it('unknown uuid gives NOT_FOUND; an unknown type too', async () => {
      const uuid = '00000000-0000-4000-8000-000000000001';
      expect(await failure(call(client, 'Read', { type: 'virtual-network', uuid }))).toMatchObject({
        code: grpc.status.NOT_FOUND,
        skein: 'NOT_FOUND',
      });
      expect(
        await failure(call(client, 'Update', { type: 'virtual-network', uuid, patch_json: '{}' })),
      ).toMatchObject({ code: grpc.status.NOT_FOUND });
      expect(await failure(call(client, 'Delete', { type: 'virtual-network', uuid }))).toMatchObject({
        code: grpc.status.NOT_FOUND,
      });
      expect(
        await failure(call(client, 'Read', { type: 'virtual-network', fq_name: [...DP, 'nope'] })),
      ).toMatchObject({ code: grpc.status.NOT_FOUND });
      expect(await failure(call(client, 'List', { type: 'no-such-type' }))).toMatchObject({
        code: grpc.status.NOT_FOUND,
        skein: 'NOT_FOUND',
      });
    });

    it('duplicate fq_name gives ALREADY_EXISTS; other conflicts FAILED_PRECONDITION', async () => {
      const body = JSON.stringify(vn('g-dup'));
      const first = await call(client, 'Create', { type: 'virtual-network', object_json: body });
      const dup = await nothingWritten(() =>
        failure(call(client, 'Create', { type: 'virtual-network', object_json: body })),
      );
      expect(dup).toMatchObject({ code: grpc.status.ALREADY_EXISTS, skein: 'FQ_NAME_EXISTS' });
      expect(dup.details).toContain(first.uuid);
      const reused = await failure(
        call(client, 'Create', {
          type: 'virtual-network',
          object_json: JSON.stringify({ ...vn('g-dup2'), uuid: first.uuid }),
        }),
      );
      expect(reused).toMatchObject({ code: grpc.status.ALREADY_EXISTS, skein: 'UUID_EXISTS' });

      const project = JSON.parse(first.object_json).parent_uuid;
      const children = await failure(call(client, 'Delete', { type: 'project', uuid: project }));
      expect(children).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, skein: 'HAS_CHILDREN' });
    });

    it('stale if_version gives FAILED_PRECONDITION, nothing written', async () => {
      const c = await call(client, 'Create', {
        type: 'virtual-network',
        object_json: JSON.stringify(vn('g-stale')),
      });
      await call(client, 'Update', {
        type: 'virtual-network',
        uuid: c.uuid,
        patch_json: JSON.stringify({ display_name: 'x' }),
      });
      const stale = { code: grpc.status.FAILED_PRECONDITION, skein: 'VERSION_MISMATCH' };
      expect(
        await nothingWritten(() =>
          failure(
            call(client, 'Update', {
              type: 'virtual-network',
              uuid: c.uuid,
              patch_json: JSON.stringify({ display_name: 'y' }),
              if_version: c.version,
            }),
          ),
        ),
      ).toMatchObject(stale);
      expect(
        await nothingWritten(() =>
          failure(call(client, 'Delete', { type: 'virtual-network', uuid: c.uuid, if_version: c.version })),
        ),
      ).toMatchObject(stale);
    });

    it('authentication comes from metadata: UNAUTHENTICATED without a token, PERMISSION_DENIED across tenants', async () => {
      const auth = api.server.auth;
      await auth.setMode('cloud-admin');
      try {
        expect(await failure(call(client, 'List', { type: 'virtual-network' }))).toMatchObject({
          code: grpc.status.UNAUTHENTICATED,
          skein: 'UNAUTHENTICATED',
        });
        expect(
          await failure(call(client, 'List', { type: 'virtual-network' }, { authorization: 'Bearer nope' })),
        ).toMatchObject({ code: grpc.status.UNAUTHENTICATED });
        const w = new WatchStream(client, { from_seq: 0 });
        expect(await w.ended()).toMatchObject({ code: grpc.status.UNAUTHENTICATED });

        const admin = auth.issueToken({ user: 'root', roles: ['admin'] }).token;
        const ok = await call(client, 'List', { type: 'project' }, { authorization: `Bearer ${admin}` });
        expect(ok.items.length).toBeGreaterThan(0);
        const dp = ok.items.find((i: any) => i.fq_name.join(':') === DP.join(':')).uuid;

        const other = auth.issueToken({
          user: 'bob',
          roles: ['member'],
          project_id: '11111111-2222-4333-8444-555555555555',
        }).token;
        const denied = await failure(
          call(
            client,
            'Create',
            { type: 'virtual-network', object_json: JSON.stringify(vn('g-bob')) },
            { authorization: `Bearer ${other}` },
          ),
        );
        expect(denied).toMatchObject({ code: grpc.status.PERMISSION_DENIED, skein: 'PERMISSION_DENIED' });
        expect(dp).toBeDefined();
      } finally {
        await auth.setMode('no-auth');
      }
    });

    it('exhaustion and quota map to RESOURCE_EXHAUSTED', () => {
      expect(grpcCode(new SkeinError(409, 'SUBNET_EXHAUSTED', 'x'))).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(grpcCode(new SkeinError(412, 'QUOTA_EXCEEDED', 'x'))).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(grpcCode(new SkeinError(409, 'IP_IN_USE', 'x'))).toBe(grpc.status.FAILED_PRECONDITION);
      expect(grpcCode(new SkeinError(500, 'INTERNAL', 'x'))).toBe(grpc.status.INTERNAL);
    });
  });

  describe('Watch', () => {
    it('metadata actor and request id appear in the event', async () => {
      const from = await api.head();
      const w = new WatchStream(client, { from_seq: from, types: ['virtual-network'] });
      try {
        const c = await call(
          client,
          'Create',
          { type: 'virtual-network', object_json: JSON.stringify(vn('g-actor')) },
          { 'x-skein-actor': 'alice', 'x-request-id': 'rid-grpc-1' },
        );
        await w.until((it) => it.item === 'event' && it.event.uuid === c.uuid);
        const e = w.events().find((x) => x.uuid === c.uuid);
        expect(e).toMatchObject({ oper: 'CREATE', type: 'virtual-network' });
        const env = JSON.parse(e.envelope_json);
        expect(env).toMatchObject({
          seq: e.seq,
          oper: 'CREATE',
          uuid: c.uuid,
          actor: 'alice',
          request_id: 'rid-grpc-1',
        });
        expect(env.tx_id).toBeDefined();
      } finally {
        w.cancel();
      }
    });

    it('an unknown type gives NOT_FOUND', async () => {
      const w = new WatchStream(client, { from_seq: 0, types: ['virtual-netwerk'] });
      expect(await w.ended()).toMatchObject({
        code: grpc.status.NOT_FOUND,
        details: 'Unknown type virtual-netwerk',
      });
    });

    it('filters by type and sends heartbeats with its position', async () => {
      const from = await api.head();
      const w = new WatchStream(client, { from_seq: from, types: ['network_policy'] });
      try {
        await w.caughtUp(from);
        await call(client, 'Create', {
          type: 'virtual-network',
          object_json: JSON.stringify(vn('g-filter-vn')),
        });
        const pol = await call(client, 'Create', {
          type: 'network-policy',
          object_json: JSON.stringify({ fq_name: [...DP, 'g-filter-pol'] }),
        });
        await w.caughtUp(pol.seq);
        expect(w.events().map((e) => [e.oper, e.type, e.uuid])).toEqual([
          ['CREATE', 'network-policy', pol.uuid],
        ]);
        expect((await events(from)).some((e) => e.type === 'virtual-network')).toBe(true);
      } finally {
        w.cancel();
      }
    });

    it('snapshot=true sends the current objects at one seq, then snapshot_done_seq, then live changes', async () => {
      await call(client, 'Create', { type: 'virtual-network', object_json: JSON.stringify(vn('g-snap1')) });
      const w = new WatchStream(client, { snapshot: true, types: ['virtual-network'], from_seq: 12345 });
      try {
        const doneAt = await w.until((it) => it.item === 'snapshot_done_seq');
        const s = w.items[doneAt].snapshot_done_seq;
        const snap = w.items.slice(0, doneAt);
        expect(
          snap.every(
            (it) =>
              it.item === 'event' &&
              it.event.seq === s &&
              it.event.oper === 'CREATE' &&
              it.event.type === 'virtual-network',
          ),
        ).toBe(true);
        const list = await api.http('GET', '/virtual-networks');
        expect(Number(list.headers.get('x-skein-seq'))).toBe(s);
        expect(snap.map((it) => it.event.uuid).sort()).toEqual(
          list.json['virtual-networks'].map((v: any) => v.uuid).sort(),
        );
        const one = snap.find(
          (it) => JSON.parse(it.event.envelope_json).fq_name.join(':') === [...DP, 'g-snap1'].join(':'),
        );
        const env = JSON.parse(one.event.envelope_json);
        const rest = await read(api.http, 'virtual-network', env.uuid);
        expect(env.object).toMatchObject({
          uuid: rest.uuid,
          fq_name: rest.fq_name,
          virtual_network_network_id: rest.virtual_network_network_id,
        });
        expect(env.object.routing_instances).toBeUndefined();

        const live = await call(client, 'Create', {
          type: 'virtual-network',
          object_json: JSON.stringify(vn('g-snap2')),
        });
        const at = await w.until((it) => it.item === 'event' && it.event.uuid === live.uuid);
        expect(at).toBeGreaterThan(doneAt);
        await w.caughtUp(live.seq);
        const after = w.items
          .slice(doneAt + 1)
          .filter((it) => it.item === 'event')
          .map((it) => it.event);
        expect(after.map((e) => [e.oper, e.uuid])).toEqual([['CREATE', live.uuid]]);
        expect(after[0].seq).toBeGreaterThan(s);
      } finally {
        w.cancel();
      }
    });

    it('§9 check 45: List returns as_of_seq; Watch from it replays exactly the later changes; a compacted seq gives OUT_OF_RANGE', async () => {
      const listed = await call(client, 'List', { type: 'virtual-network' });
      const asOf = listed.as_of_seq;
      expect(asOf).toBe(await api.head());

      const a = await call(client, 'Create', {
        type: 'virtual-network',
        object_json: JSON.stringify(vn('g-45a', [subnet('10.45.0.0', 24)])),
      });
      await call(client, 'Update', {
        type: 'virtual-network',
        uuid: a.uuid,
        patch_json: JSON.stringify({ display_name: 'a' }),
      });
      const pol = await api.http('POST', '/network-policys', {
        'network-policy': { fq_name: [...DP, 'g-45p'] },
      });
      await call(client, 'Delete', { type: 'virtual-network', uuid: a.uuid });
      const head = await api.head();

      const w = new WatchStream(client, { from_seq: asOf });
      try {
        await w.caughtUp(head);
        const got = w.events().map((e) => ({ seq: e.seq, oper: e.oper, type: e.type, uuid: e.uuid }));
        expect(got).toEqual(await events(asOf));
        expect(got.map((e) => e.seq)).toContain(head);
        expect(got.some((e) => e.uuid === pol.json['network-policy'].uuid)).toBe(true);
        expect(got.filter((e) => e.uuid === a.uuid).map((e) => e.oper)).toEqual([
          'CREATE',
          'UPDATE',
          'DELETE',
        ]);
      } finally {
        w.cancel();
      }

      // Compacting past asOf: that position is gone, the compaction point itself is still served.
      const c = await compactEvents(api.db, head);
      expect(c.compactedBelow).toBe(head);
      expect(await compactedBelow(api.db)).toBe(head);
      const gone = new WatchStream(client, { from_seq: asOf });
      const err = await gone.ended();
      expect(err).toMatchObject({ code: grpc.status.OUT_OF_RANGE });
      expect(err!.metadata.get(ERROR_CODE_TRAILER)).toEqual(['OUT_OF_RANGE']);
      expect(gone.events()).toEqual([]);

      const edge = new WatchStream(client, { from_seq: head - 1 });
      try {
        await edge.caughtUp(head);
        expect(edge.events().map((e) => e.seq)).toEqual([head]);
        expect(edge.error).toBeUndefined();
      } finally {
        edge.cancel();
      }
    });
  });

  describe('compaction', () => {
    it('never moves back and keeps the head row', async () => {
      const before = await compactedBelow(api.db);
      const head = await api.head();
      const back = await compactEvents(api.db, 1);
      expect(back).toEqual({ compactedBelow: before, deleted: 0 });
      const past = await compactEvents(api.db, head + 1000);
      expect(past.compactedBelow).toBe(head);
      expect(await api.head()).toBe(head);
      const listed = await call(client, 'List', { type: 'project' });
      expect(listed.as_of_seq).toBe(head);
    });
  });

  describe('server', () => {
    it('answers grpc.health.v1 Check', async () => {
      const Health = grpc.makeGenericClientConstructor(healthDefinition(), 'Health');
      const h = new Health(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure()) as Client;
      try {
        expect(await call(h, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
        expect(await call(h, 'Check', { service: 'skein.config.v1.Config' })).toEqual({ status: 'SERVING' });
        expect(await failure(call(h, 'Check', { service: 'nope' }))).toMatchObject({
          code: grpc.status.NOT_FOUND,
        });
      } finally {
        h.close();
      }
    });

    it('a busy port fails like a net listener would (code EADDRINUSE, port)', async () => {
      const err: any = await startGrpcServer({
        svc: api.server.svc,
        auth: api.server.auth,
        events: api.events,
        port: server.port,
      }).then(
        (s) => (s.close(), undefined),
        (e) => e,
      );
      expect(err).toMatchObject({ code: 'EADDRINUSE', port: server.port });
    });

    it('close() ends open watches with UNAVAILABLE', async () => {
      const s2 = await startGrpcServer({
        svc: api.server.svc,
        auth: api.server.auth,
        events: api.events,
        port: 0,
        heartbeatMs: HEARTBEAT_MS,
      });
      const c2 = new Config(`127.0.0.1:${s2.port}`, grpc.credentials.createInsecure()) as Client;
      try {
        const head = await api.head();
        const w = new WatchStream(c2, { from_seq: head });
        await w.caughtUp(head);
        await s2.close();
        expect(await w.ended()).toMatchObject({ code: grpc.status.UNAVAILABLE });
      } finally {
        c2.close();
        await s2.close();
      }
    });
  });
});
