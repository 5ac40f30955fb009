import { Agent, type AgentOptions } from '@skein/agent-sim';
import type { Family } from '@skein/bgp';
import { startTestApi, type Http, type TestApi } from '../../api/test/harness';
import {
  MemoryRouteEventSink,
  startControlNode,
  type ControlNodeOptions,
  type RunningControlNode,
} from '../src';

export const DP = ['default-domain', 'default-project'];
export const MASTER = ['default-domain', 'default-project', 'ip-fabric', '__default__'];
export const MASTER_RI = MASTER.join(':');

/** "Soon" (routing.md F): polled, never slept. */
export async function soon<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`not within ${timeoutMs} ms: ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves false if `probe` stays falsy for `ms` (for "and nowhere else" checks after a positive one). */
export async function never(probe: () => unknown | Promise<unknown>, ms = 500): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export interface Vn {
  uuid: string;
  fq: string[];
  /** Primary RI fq name. */
  ri: string;
  riUuid: string;
  /** Its automatic route target (`target:64512:<n>`). */
  rt: string;
  vnIndex: number;
}

export interface LabOptions {
  /** Global settings written before the control node starts. */
  global?: Record<string, unknown>;
  /** Own bgp-router parameters (created before start when given). */
  router?: Record<string, unknown>;
  node?: Partial<ControlNodeOptions>;
  name?: string;
}

/** A real config API on a fresh database and a control node following its event log. */
export class Lab {
  readonly routes = new MemoryRouteEventSink();
  readonly agents: Agent[] = [];
  cn!: RunningControlNode;
  ownRouterUuid: string | undefined;

  private constructor(
    readonly api: TestApi,
    readonly name: string,
  ) {}

  static async start(o: LabOptions = {}): Promise<Lab> {
    const api = await startTestApi();
    const lab = new Lab(api, o.name ?? 'cn1');
    try {
      if (o.global) await lab.updateGlobal(o.global);
      if (o.router)
        lab.ownRouterUuid = await lab.createRouter(lab.name, { router_type: 'control-node', ...o.router });
      lab.cn = await startControlNode({
        events: api.events,
        name: lab.name,
        bgp: { host: '127.0.0.1', port: 0, connectRetryTime: 1 },
        xmpp: { host: '127.0.0.1', port: 0 },
        introspect: { host: '127.0.0.1', port: 0 },
        routeEvents: lab.routes,
        ...o.node,
      });
    } catch (e) {
      await api.close();
      throw e;
    }
    return lab;
  }

  get http(): Http {
    return this.api.http;
  }

  get xmppAddress(): string {
    return `127.0.0.1:${this.cn.ports.xmpp}`;
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.api.http(method, path, body);
    if (r.status !== 200) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
    return r.json;
  }

  /** Waits until the control node applied everything the API committed so far. */
  async sync(): Promise<void> {
    await this.cn.waitForConfig(await this.api.head(), 10_000);
  }

  async create(type: string, body: Record<string, unknown>): Promise<string> {
    const j = await this.ok('POST', `/${type}s`, { [type]: body });
    return j[type].uuid;
  }

  async read(type: string, uuid: string): Promise<any> {
    return (await this.ok('GET', `/${type}/${uuid}`))[type];
  }

  async update(type: string, uuid: string, body: Record<string, unknown>): Promise<void> {
    await this.ok('PUT', `/${type}/${uuid}`, { [type]: body });
  }

  async uuidOf(type: string, fq: string[]): Promise<string> {
    return (await this.ok('POST', '/fqname-to-id', { type, fq_name: fq })).uuid;
  }

  async updateGlobal(props: Record<string, unknown>): Promise<void> {
    const uuid = await this.uuidOf('global-system-config', ['default-global-system-config']);
    await this.update('global-system-config', uuid, props);
  }

  async createVn(name: string, extra: Record<string, unknown> = {}): Promise<Vn> {
    const fq = [...DP, name];
    const uuid = await this.create('virtual-network', { fq_name: fq, ...extra });
    const vn = await this.read('virtual-network', uuid);
    const riFq = [...fq, name];
    const riUuid = await this.uuidOf('routing-instance', riFq);
    const ri = await this.read('routing-instance', riUuid);
    return {
      uuid,
      fq,
      ri: riFq.join(':'),
      riUuid,
      rt: ri.route_target_refs[0].to[0],
      vnIndex: vn.virtual_network_network_id,
    };
  }

  /** A bgp-router under the master RI. */
  async createRouter(
    name: string,
    params: Record<string, unknown>,
    refs: { uuid: string; attr?: unknown }[] = [],
  ): Promise<string> {
    return this.create('bgp-router', {
      fq_name: [...MASTER, name],
      parent_type: 'routing-instance',
      bgp_router_parameters: params,
      ...(refs.length ? { bgp_router_refs: refs.map((r) => ({ uuid: r.uuid, attr: r.attr ?? null })) } : {}),
    });
  }

  /**
   * A bgp-router at `id` (its address and identifier) with a passive session to the own router: the node
   * never dials it, a `FakePeer` connects from `id`. Without `as` it follows the global ASN.
   */
  async createPassivePeer(name: string, o: { id: string; as?: number; families: Family[] }): Promise<string> {
    return this.createRouter(
      name,
      {
        router_type: 'router',
        ...(o.as !== undefined ? { autonomous_system: o.as } : {}),
        identifier: o.id,
        address: o.id,
        port: 1,
        address_families: { family: o.families },
      },
      [{ uuid: this.ownRouterUuid!, attr: { session: [{ attributes: [{ passive: true }] }] } }],
    );
  }

  async refUpdate(
    op: 'ADD' | 'DELETE',
    type: string,
    uuid: string,
    refType: string,
    refUuid: string,
    attr?: unknown,
  ): Promise<void> {
    await this.ok('POST', '/ref-update', {
      operation: op,
      type,
      uuid,
      'ref-type': refType,
      'ref-uuid': refUuid,
      ...(attr !== undefined ? { attr } : {}),
    });
  }

  async createVirtualRouter(name: string, address: string): Promise<string> {
    return this.create('virtual-router', {
      fq_name: ['default-global-system-config', name],
      parent_type: 'global-system-config',
      virtual_router_ip_address: address,
    });
  }

  /** A virtual-router plus an agent-sim agent for it (see `newAgent`). */
  async agent(name: string, address: string, o: Partial<AgentOptions> = {}): Promise<Agent> {
    await this.createVirtualRouter(name, address);
    await this.sync();
    return this.newAgent(name, address, o);
  }

  /**
   * An agent-sim agent of this node, not started yet; `close` stops it. Its hold time is the node's
   * `xmpp_hold_time`, as a real agent's is: the node sends keepalives every third of that, so an agent with a
   * shorter one times out whenever it is sent nothing else for a while.
   */
  newAgent(name: string, address: string, o: Partial<AgentOptions> = {}): Agent {
    const a = new Agent({
      name,
      address,
      control: this.xmppAddress,
      holdTimeMs: this.cn.node.settings().xmppHoldTime * 1000,
      reconnect: { initialMs: 100, maxMs: 1000, jitter: true },
      ...o,
    });
    this.agents.push(a);
    return a;
  }

  async introspect(path: string): Promise<any> {
    const r = await fetch(`http://127.0.0.1:${this.cn.ports.introspect}${path}`);
    const body = await r.json();
    if (!r.ok) throw new Error(`introspect ${path} → ${r.status} ${JSON.stringify(body)}`);
    return body;
  }

  async close(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop().catch(() => undefined)));
    await this.cn?.close().catch(() => undefined);
    await this.api.close();
  }
}

export const silentLogger = { info: () => undefined, warn: () => undefined };
