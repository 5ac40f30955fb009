/**
 * Hostile input (issue 7 items 1, 8, 10): names that are Object.prototype members, strings Postgres cannot
 * store, absurd numbers, nesting and query shapes that used to drop a filter. Each is a 4xx naming the field,
 * never SQL or stack text, and changes nothing; the process still answers afterwards.
 */
import { create, DP } from './fixtures';
import { startTestApi, type TestApi } from './harness';

interface Case {
  name: string;
  method: string;
  path: string | ((ids: Record<string, string>) => string);
  /** A string is sent as it is (so `__proto__` stays an own key of the parsed body). */
  body?: unknown | ((ids: Record<string, string>) => unknown);
  status: number;
  message: RegExp;
}

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const vnRaw = (inner: string) =>
  `{"virtual-network": {"fq_name": ["default-domain", "default-project", "hostile-vn"], ${inner}}}`;
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

const CASES: Case[] = [
  ...PROTO_NAMES.flatMap((n): Case[] => [
    {
      name: `${n}: GET /${n}`,
      method: 'GET',
      path: `/${n}`,
      status: 404,
      message: new RegExp(`Unknown collection /${n}`),
    },
    {
      name: `${n}: GET /${n}/<uuid>`,
      method: 'GET',
      path: `/${n}/00000000-0000-4000-8000-000000000001`,
      status: 404,
      message: /Unknown type/,
    },
    {
      name: `${n}: PUT /${n}/<uuid>`,
      method: 'PUT',
      path: `/${n}/00000000-0000-4000-8000-000000000001`,
      body: '{}',
      status: 404,
      message: /Unknown type/,
    },
    {
      name: `${n}: body key`,
      method: 'POST',
      path: '/virtual-networks',
      body: vnRaw(`"${n}": 1`),
      status: 400,
      message: new RegExp(`Unknown field: ${n}`),
    },
    {
      name: `${n}: nested struct key`,
      method: 'POST',
      path: '/virtual-networks',
      body: vnRaw(`"virtual_network_properties": {"${n}": 1}`),
      status: 400,
      message: new RegExp(`virtual_network_properties\\.${n}`),
    },
    {
      name: `${n}: ref attr key`,
      method: 'POST',
      path: '/virtual-networks',
      body: (ids: Record<string, string>) =>
        vnRaw(`"network_policy_refs": [{"uuid": "${ids.np}", "attr": {"${n}": {}}}]`),
      status: 400,
      message: new RegExp(`attr\\.${n}`),
    },
    {
      name: `${n}: ref field`,
      method: 'POST',
      path: '/virtual-networks',
      body: vnRaw(`"${n}_refs": []`),
      status: 400,
      message: new RegExp(`${n}_refs`),
    },
    {
      name: `${n}: filter field`,
      method: 'GET',
      path: `/virtual-networks?filters=${n}==1`,
      status: 400,
      message: new RegExp(`filter field "${n}"`),
    },
    {
      name: `${n}: ref-update ref-type`,
      method: 'POST',
      path: '/ref-update',
      body: (ids: Record<string, string>) => ({
        operation: 'ADD',
        type: 'virtual-network',
        uuid: ids.vn,
        'ref-type': n,
        'ref-uuid': ids.np,
      }),
      status: 400,
      message: /ref-type/,
    },
    {
      name: `${n}: ref-update type`,
      method: 'POST',
      path: '/ref-update',
      body: (ids: Record<string, string>) => ({
        operation: 'ADD',
        type: n,
        uuid: ids.vn,
        'ref-type': 'network-policy',
        'ref-uuid': ids.np,
      }),
      status: 400,
      message: /Unknown type/,
    },
    {
      name: `${n}: ref-update to a type it cannot reference`,
      method: 'POST',
      path: '/ref-update',
      body: (ids: Record<string, string>) => ({
        operation: 'ADD',
        type: 'network-policy',
        uuid: ids.np,
        'ref-type': 'virtual-network',
        'ref-uuid': ids.vn,
        attr: { [n]: 1 },
      }),
      status: 400,
      message: /network-policy has no reference to virtual-network/,
    },
    {
      name: `${n}: prop-collection-update field`,
      method: 'POST',
      path: '/prop-collection-update',
      body: (ids: Record<string, string>) => ({
        uuid: ids.vn,
        updates: [{ field: n, operation: 'add', value: 'x' }],
      }),
      status: 400,
      message: new RegExp(n),
    },
    {
      name: `${n}: list-bulk-collection type`,
      method: 'POST',
      path: '/list-bulk-collection',
      body: { type: n },
      status: 400,
      message: /Unknown type/,
    },
    {
      name: `${n}: watch resource_type`,
      method: 'GET',
      path: `/watch?resource_type=${n}`,
      status: 404,
      message: /Unknown resource type/,
    },
  ]),
  // Strings Postgres refuses.
  {
    name: 'NUL in a string property',
    method: 'POST',
    path: '/virtual-networks',
    body: vnRaw(`"display_name": "a\\u0000b"`),
    status: 400,
    message: /display_name.*NUL/,
  },
  {
    name: 'NUL in an fq_name element',
    method: 'POST',
    path: '/virtual-networks',
    body: `{"virtual-network": {"fq_name": ["default-domain", "default-project", "a\\u0000b"]}}`,
    status: 400,
    message: /fq_name\[2\].*NUL/,
  },
  {
    name: 'NUL in a key',
    method: 'POST',
    path: '/virtual-networks',
    body: vnRaw(`"a\\u0000b": 1`),
    status: 400,
    message: /Invalid key.*NUL/,
  },
  {
    name: 'NUL in a ref attr',
    method: 'POST',
    path: '/virtual-networks',
    body: (ids: Record<string, string>) =>
      vnRaw(
        `"network_policy_refs": [{"uuid": "${ids.np}", "attr": {"sequence": {"major": 1, "minor": "\\u0000"}}}]`,
      ),
    status: 400,
    message: /attr\.sequence\.minor.*NUL/,
  },
  {
    name: 'NUL in a key_value_pair',
    method: 'PUT',
    path: (ids) => `/virtual-network/${ids.vn}`,
    body: `{"virtual-network": {"annotations": {"key_value_pair": [{"key": "k\\u0000", "value": "v"}]}}}`,
    status: 400,
    message: /annotations\.key_value_pair\[0\]\.key.*NUL/,
  },
  {
    name: 'lone high surrogate',
    method: 'POST',
    path: '/virtual-networks',
    body: vnRaw(`"display_name": "a\\ud800b"`),
    status: 400,
    message: /display_name.*surrogate/,
  },
  {
    name: 'lone low surrogate',
    method: 'POST',
    path: '/virtual-networks',
    body: vnRaw(`"display_name": "\\udc00"`),
    status: 400,
    message: /display_name.*surrogate/,
  },
  {
    name: 'NUL in a filter value',
    method: 'GET',
    path: '/virtual-networks?filters=display_name==%22a%5Cu0000%22',
    status: 400,
    message: /filters.*NUL/,
  },
  {
    name: 'NUL in parent_fq_name_str',
    method: 'GET',
    path: '/virtual-networks?parent_fq_name_str=default-domain:%00',
    status: 400,
    message: /parent_fq_name_str.*NUL/,
  },
  // Numbers and nesting.
  {
    name: 'page_limit=1e20',
    method: 'GET',
    path: '/virtual-networks?page_limit=1e20',
    status: 400,
    message: /page_limit must be an integer 1\.\.2147483647/,
  },
  {
    name: 'page_limit beyond the cap',
    method: 'GET',
    path: '/virtual-networks?page_limit=99999999999',
    status: 400,
    message: /page_limit/,
  },
  {
    name: 'deeply nested list-bulk-collection',
    method: 'POST',
    path: '/list-bulk-collection',
    body: `{"type": "virtual-network", "fq_names": ${deep(100_000)}}`,
    status: 400,
    message: /deeper than 64/,
  },
  {
    name: 'nested 65 deep in a property',
    method: 'POST',
    path: '/virtual-networks',
    body: vnRaw(`"display_name": ${deep(65)}`),
    status: 400,
    message: /deeper than 64/,
  },
  {
    name: 'quota -5',
    method: 'PUT',
    path: (ids) => `/project/${ids.project}`,
    body: { project: { quota: { virtual_network: -5 } } },
    status: 400,
    message: /quota\.virtual_network.*-1\.\.∞/,
  },
  {
    name: 'ip-alloc count 65536',
    method: 'POST',
    path: (ids) => `/virtual-network/${ids.vn}/ip-alloc`,
    body: { count: 65536 },
    status: 400,
    message: /count must be an integer 1\.\.1024/,
  },
  // Query shapes that used to drop a filter silently.
  {
    name: 'detail=maybe',
    method: 'GET',
    path: '/virtual-networks?detail=maybe',
    status: 400,
    message: /detail must be true or false/,
  },
  {
    name: 'count=yes',
    method: 'GET',
    path: '/virtual-networks?count=yes',
    status: 400,
    message: /count must be true or false/,
  },
  {
    name: 'bracketed parent_id',
    method: 'GET',
    path: '/virtual-networks?parent_id[x]=1',
    status: 400,
    message: /parent_id/,
  },
  {
    name: 'bracketed detail',
    method: 'GET',
    path: '/virtual-networks?detail[x]=true',
    status: 400,
    message: /detail must be a plain value/,
  },
  {
    name: 'page_limit twice',
    method: 'GET',
    path: '/virtual-networks?page_limit=1&page_limit=2',
    status: 400,
    message: /page_limit given more than once/,
  },
  {
    name: 'read with exclude_children=maybe',
    method: 'GET',
    path: (ids) => `/virtual-network/${ids.vn}?exclude_children=maybe`,
    status: 400,
    message: /exclude_children must be true or false/,
  },
  {
    name: 'detail twice',
    method: 'GET',
    path: '/virtual-networks?detail=true&detail=false',
    status: 400,
    message: /detail given more than once/,
  },
];

describe('hostile input: 4xx naming the field, nothing written, no database text', () => {
  let api: TestApi;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    api = await startTestApi();
    ids.project = await create(api.http, 'project', { fq_name: ['default-domain', 'hostile-p'] });
    ids.vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'hostile-vn0'] });
    ids.np = await create(api.http, 'network-policy', { fq_name: [...DP, 'hostile-np'] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await api.eventCount();
    const path = typeof c.path === 'function' ? c.path(ids) : c.path;
    const body =
      typeof c.body === 'function' ? (c.body as (i: Record<string, string>) => unknown)(ids) : c.body;
    const r = await api.http(c.method, path, body);
    expect({ status: r.status, text: r.text }).toEqual({
      status: c.status,
      text: expect.stringMatching(c.message),
    });
    expect(r.text).not.toMatch(/SELECT|INSERT|UPDATE objects|invalid input syntax|violates|at .*\.js:\d+/);
    expect(await api.eventCount()).toBe(before);
  });

  it('a body that is not UTF-8 is a 400, not names rewritten to U+FFFD', async () => {
    const before = await api.eventCount();
    const head = Buffer.from('{"virtual-network": {"fq_name": ["default-domain", "default-project", "bad');
    const body = Buffer.concat([head, Buffer.from([0xff, 0xfe]), Buffer.from('"]}}')]);
    const res = await fetch(`${api.base}/virtual-networks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect({ status: res.status, text: await res.text() }).toEqual({
      status: 400,
      text: 'Request body is not valid UTF-8',
    });
    expect(await api.eventCount()).toBe(before);
  });

  it('a 100 KB URL is a 414 with a reason, and the server still answers', async () => {
    const res = await fetch(`${api.base}/virtual-networks?fields=${'x'.repeat(100_000)}`);
    expect({ status: res.status, text: await res.text() }).toEqual({
      status: 414,
      text: expect.stringMatching(/URL exceeds/),
    });
    const big = await fetch(`${api.base}/virtual-networks`, { headers: { 'x-junk': 'y'.repeat(20_000) } });
    expect({ status: big.status, text: await big.text() }).toEqual({
      status: 431,
      text: expect.stringMatching(/headers exceed/),
    });
    expect((await api.http('GET', '/virtual-networks')).status).toBe(200);
  });

  it('after all of it the process still answers reads and writes, and valid flags still work', async () => {
    expect((await api.http('GET', '/virtual-networks?detail=True&count=false')).status).toBe(200);
    // Keys the API does not read are ignored, as TF does (a cache buster, a newer client's parameter).
    expect((await api.http('GET', '/virtual-networks?_=1712345678&some_future_flag=1')).status).toBe(200);
    // Prototype names as field masks select nothing extra and break nothing.
    const masked = await api.http('GET', `/virtual-network/${ids.vn}?fields=__proto__,constructor,toString`);
    expect(masked.status).toBe(200);
    expect(Object.keys(masked.json['virtual-network'])).not.toContain('constructor');
    const listed = await api.http('GET', '/virtual-networks?detail=true&fields=__proto__,hasOwnProperty');
    expect(listed.status).toBe(200);
    expect(
      (await api.http('GET', `/virtual-networks?parent_id=${ids.project}&parent_id=${ids.project}`)).status,
    ).toBe(200);
    await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'hostile-after'],
      display_name: 'ok \ud83d\ude00',
    });
    const q = await api.http('POST', '/list-bulk-collection', {
      type: 'virtual_network',
      detail: true,
      filters: { display_name: ['ok \ud83d\ude00'] },
    });
    expect(q.status).toBe(200);
    expect(q.json['virtual-networks']).toHaveLength(1);
    const quota = await api.http('PUT', `/project/${ids.project}`, {
      project: { quota: { virtual_network: -1, subnet: 0 } },
    });
    expect(quota.status).toBe(200);
  });
});
