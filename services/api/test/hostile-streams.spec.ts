/**
 * Hostile input on the streaming and gRPC edges (issue 7 items 1, 3, 8): client-supplied seqs out of range are
 * 400 / INVALID_ARGUMENT naming the field before any SQL runs, gRPC type names and JSON keys that are
 * Object.prototype members are clean errors, and a create racing its parent's delete is a 4xx saying so. After
 * each, writes still succeed.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Client as PgClient } from 'pg';
import {
  CONFIG_PROTO_PATH,
  ERROR_CODE_TRAILER,
  PROTO_LOADER_OPTIONS,
  startGrpcServer,
  type GrpcServer,
} from '../src/grpc';
import { create, DP } from './fixtures';
import { startTestApi, type TestApi } from './harness';

type Client = grpc.Client & Record<string, any>;

function call(client: Client, method: string, req: object): Promise<any> {
  return new Promise((resolve, reject) =>
    client[method](req, new grpc.Metadata(), (err: grpc.ServiceError | null, reply: any) =>
      err ? reject(err) : resolve(reply),
    ),
  );
}

async function failure(p: Promise<unknown>): Promise<{ code: grpc.status; details: string; skein: unknown }> {
  try {
    await p;
  } catch (e: any) {
    return { code: e.code, details: e.details, skein: e.metadata?.get(ERROR_CODE_TRAILER)[0] };
  }
  throw new Error('expected the call to fail');
}

/** The status a Watch ends with (it must end on its own: a bad request never starts streaming). */
function watchError(client: Client, req: object): Promise<grpc.ServiceError> {
  return new Promise((resolve, reject) => {
    const s = client.Watch(req, new grpc.Metadata());
    s.on('data', () => {});
    s.on('error', resolve);
    s.on('end', () => reject(new Error('watch ended without an error')));
  });
}

const NO_DB_TEXT = /SELECT|INSERT|invalid input syntax|violates|bigint|in table|Key \(|at .*\.js:\d+/;

describe('hostile input on SSE /watch, gRPC and racing writes', () => {
  let api: TestApi;
  let server: GrpcServer;
  let client: Client;
  let n = 0;
  /** A write that must succeed: the API (and its pool) are still healthy after the bad request. */
  const writeStillWorks = async () => {
    await create(api.http, 'network-policy', { fq_name: [...DP, `hs-after-${++n}`] });
    const g = await call(client, 'Create', {
      type: 'network-policy',
      object_json: JSON.stringify({ fq_name: [...DP, `hs-after-${++n}`] }),
    });
    expect(g.uuid).toMatch(/^[0-9a-f-]{36}$/);
  };

  beforeAll(async () => {
    api = await startTestApi();
    server = await startGrpcServer({
      svc: api.server.svc,
      auth: api.server.auth,
      events: api.events,
      port: 0,
      hrefBase: api.base,
      heartbeatMs: 60_000,
    });
    const pkg = grpc.loadPackageDefinition(
      protoLoader.loadSync(CONFIG_PROTO_PATH, PROTO_LOADER_OPTIONS),
    ) as any;
    client = new pkg.skein.config.v1.Config(
      `127.0.0.1:${server.port}`,
      grpc.credentials.createInsecure(),
    ) as Client;
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    await api?.close();
  });

  it.each([
    '99999999999999999999999',
    '9223372036854775807',
    '9007199254740992',
    '-1',
    '1.5',
    '1e3',
    'abc',
    '',
  ])('SSE Last-Event-ID %j is a 400 naming Last-Event-ID', async (id) => {
    const r = await api.http('GET', '/watch?resource_type=virtual_network', undefined, {
      'last-event-id': id,
    });
    expect({ status: r.status, text: r.text }).toEqual({
      status: 400,
      text: expect.stringMatching(/^Last-Event-ID must be an event seq, an integer 0\.\.9007199254740991/),
    });
    expect(r.text).not.toMatch(NO_DB_TEXT);
    await writeStillWorks();
  });

  it.each(['9223372036854775807', '18446744073709551615', '9007199254740992'])(
    'gRPC Watch from_seq %s is INVALID_ARGUMENT naming from_seq',
    async (seq) => {
      const e = await watchError(client, { from_seq: seq });
      expect({ code: e.code, details: e.details }).toEqual({
        code: grpc.status.INVALID_ARGUMENT,
        details: expect.stringMatching(/^from_seq must be an event seq/),
      });
      await writeStillWorks();
    },
  );

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'gRPC with %s as type name, field and ref type',
    async (name) => {
      const before = await api.eventCount();
      expect(await failure(call(client, 'Create', { type: name, object_json: '{}' }))).toMatchObject({
        code: grpc.status.NOT_FOUND,
        details: `Unknown type ${name}`,
      });
      expect(
        await failure(call(client, 'Read', { type: name, uuid: '00000000-0000-4000-8000-000000000001' })),
      ).toMatchObject({ code: grpc.status.NOT_FOUND });
      expect(await failure(call(client, 'List', { type: name }))).toMatchObject({
        code: grpc.status.NOT_FOUND,
      });
      expect(
        await failure(call(client, 'List', { type: 'network-policy', filters: `${name}==1` })),
      ).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/filter field/) });
      const body = `{"fq_name": ["default-domain", "default-project", "hs-x"], "${name}": 1}`;
      expect(
        await failure(call(client, 'Create', { type: 'network-policy', object_json: body })),
      ).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: `Unknown field: ${name}` });
      const nul = `{"fq_name": ["default-domain", "default-project", "hs-\\u0000"]}`;
      expect(
        await failure(call(client, 'Create', { type: 'network-policy', object_json: nul })),
      ).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: expect.stringMatching(/fq_name\[2\].*NUL/),
      });
      const np = await create(api.http, 'network-policy', { fq_name: [...DP, `hs-np-${name}`] });
      const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, `hs-vn-${name}`] });
      const before2 = await api.eventCount();
      expect(
        await failure(
          call(client, 'RefUpdate', {
            add: true,
            type: 'virtual-network',
            uuid: vn,
            ref_type: name,
            ref_uuid: np,
          }),
        ),
      ).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/ref-type/) });
      const attr = `{"${name}": {}}`;
      expect(
        await failure(
          call(client, 'RefUpdate', {
            add: true,
            type: 'virtual-network',
            uuid: vn,
            ref_type: 'network-policy',
            ref_uuid: np,
            attr_json: attr,
          }),
        ),
      ).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: expect.stringMatching(new RegExp(name)),
      });
      expect(await api.eventCount()).toBe(before2);
      expect(before).toBeLessThan(before2);
      await writeStillWorks();
    },
  );

  it('a create racing its parent delete is a 4xx saying the parent is gone, not a foreign-key error', async () => {
    const project = await create(api.http, 'project', { fq_name: ['default-domain', 'hs-doomed'] });
    const children = await api.db.query(`SELECT count(*)::int AS n FROM objects WHERE parent_uuid = $1`, [
      project,
    ]);
    expect(children.rows[0].n).toBe(0);
    // Another session deletes the parent and holds its transaction open; the create checks the parent (still
    // visible), then waits on that row; the delete commits while it waits.
    const other = new PgClient({ connectionString: api.tdb.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('DELETE FROM refs WHERE from_uuid = $1 OR to_uuid = $1', [project]);
      await other.query('DELETE FROM objects WHERE uuid = $1', [project]);
      const reply = api.http('POST', '/network-policys', {
        'network-policy': { fq_name: ['default-domain', 'hs-doomed', 'np'] },
      });
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { rows } = await api.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        if (rows[0].n > 0) break;
        if (Date.now() > deadline) throw new Error('the create never waited on the deleted parent');
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query('COMMIT');
      const r = await reply;
      expect({ status: r.status, text: r.text }).toEqual({
        status: 409,
        text: 'The parent object was deleted while this request ran; nothing was written',
      });
      expect(r.text).not.toMatch(NO_DB_TEXT);
    } finally {
      await other.end();
    }
    await writeStillWorks();
  });
});
