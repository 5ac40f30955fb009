import type { ConfigEvent } from '@skein/events';
import type { RoutingInstanceDef } from '../rib';
import {
  globalSettings,
  isMasterInstance,
  ownRouter,
  peerConfig,
  refsOf,
  routingInstanceDef,
  type RawObject,
} from './derive';
import type { BgpConfig, ConfigDelta, GlobalSettings, PeerConfig } from './types';

/** The object types the control node reads (routing.md B1); everything else is skipped at the door. */
const WATCHED = new Set([
  'global-system-config',
  'bgp-router',
  'routing-instance',
  'virtual-network',
  'virtual-router',
]);

const GSC_FQ = 'default-global-system-config';

interface Entry {
  type: string;
  fq: string[];
  parentUuid: string | undefined;
  object: RawObject;
}

/**
 * The in-memory view of the configuration the control node needs, built from config events, and the typed
 * changes each batch makes to it. Pure: no I/O. Events carry whole objects (after the change), so applying
 * one is a replace; derived values are recomputed for what a batch touched and diffed against the last
 * ones, so a replayed or duplicate event yields an empty delta.
 */
export class ConfigView {
  private readonly objects = new Map<string, Entry>();
  private readonly byType = new Map<string, Set<string>>();
  /** VN uuid → its routing instances' uuids (an RI takes its VN index from the parent VN). */
  private readonly risByVn = new Map<string, Set<string>>();
  private readonly riDefs = new Map<string, { uuid: string; def: RoutingInstanceDef; json: string }>();
  private readonly riNameByUuid = new Map<string, string>();
  private globalCache: GlobalSettings = globalSettings(undefined);
  private bgpJson = '';
  private bgpCache: BgpConfig = { own: undefined, peers: new Map() };
  private vrouters = new Map<string, string>();

  constructor(
    /** CONTROL_NODE_NAME: which bgp-router under the master RI is this node. */
    readonly nodeName: string,
    private readonly warn: (msg: string) => void = () => undefined,
  ) {}

  get global(): GlobalSettings {
    return this.globalCache;
  }

  get bgp(): BgpConfig {
    return this.bgpCache;
  }

  /** Every routing instance the Rib should hold (the master excluded: the Rib has it built in). */
  routingInstances(): RoutingInstanceDef[] {
    return [...this.riDefs.values()].map((e) => e.def);
  }

  /** Agent name → `virtual_router_ip_address`, for agents allowed to connect. */
  virtualRouter(name: string): string | undefined {
    return this.vrouters.get(name);
  }

  apply(batch: readonly ConfigEvent[]): ConfigDelta {
    const dirtyRis = new Set<string>();
    let globalDirty = false;
    let bgpDirty = false;
    let vrDirty = false;
    for (const e of batch) {
      if (!WATCHED.has(e.type)) continue;
      const removed = e.oper === 'DELETE';
      this.store(e, removed);
      switch (e.type) {
        case 'global-system-config':
          globalDirty = true;
          bgpDirty = true;
          break;
        case 'bgp-router':
          bgpDirty = true;
          break;
        case 'routing-instance':
          dirtyRis.add(e.uuid);
          break;
        case 'virtual-network':
          for (const ri of this.risByVn.get(e.uuid) ?? []) dirtyRis.add(ri);
          break;
        case 'virtual-router':
          vrDirty = true;
          break;
      }
    }

    const delta: ConfigDelta = { riUpserts: [], riDeletes: [], virtualRoutersChanged: false };
    if (globalDirty) {
      const g = globalSettings(this.singleton('global-system-config', GSC_FQ)?.object);
      if (JSON.stringify(g) !== JSON.stringify(this.globalCache)) {
        this.globalCache = g;
        delta.global = g;
      }
    }
    for (const uuid of dirtyRis) this.deriveRi(uuid, delta);
    if (bgpDirty) {
      const b = this.deriveBgp();
      const json = JSON.stringify({ own: b.own, peers: [...b.peers.entries()] });
      if (json !== this.bgpJson) {
        this.bgpJson = json;
        this.bgpCache = b;
        delta.bgp = b;
      }
    }
    if (vrDirty) {
      const next = new Map<string, string>();
      for (const uuid of this.byType.get('virtual-router') ?? []) {
        const o = this.objects.get(uuid)!;
        const ip = o.object['virtual_router_ip_address'];
        if (o.fq[0] === GSC_FQ && typeof ip === 'string') next.set(o.fq[o.fq.length - 1]!, ip);
      }
      if (JSON.stringify([...next]) !== JSON.stringify([...this.vrouters])) {
        this.vrouters = next;
        delta.virtualRoutersChanged = true;
      }
    }
    return delta;
  }

  private store(e: ConfigEvent, removed: boolean): void {
    const old = this.objects.get(e.uuid);
    if (old?.type === 'routing-instance' && old.parentUuid) this.risByVn.get(old.parentUuid)?.delete(e.uuid);
    if (removed) {
      this.objects.delete(e.uuid);
      this.byType.get(e.type)?.delete(e.uuid);
      return;
    }
    const object = { ...e.object, fq_name: e.fq_name };
    const parentUuid =
      typeof e.object['parent_uuid'] === 'string' ? (e.object['parent_uuid'] as string) : undefined;
    this.objects.set(e.uuid, { type: e.type, fq: e.fq_name, parentUuid, object });
    let s = this.byType.get(e.type);
    if (s === undefined) this.byType.set(e.type, (s = new Set()));
    s.add(e.uuid);
    if (e.type === 'routing-instance' && parentUuid) {
      let r = this.risByVn.get(parentUuid);
      if (r === undefined) this.risByVn.set(parentUuid, (r = new Set()));
      r.add(e.uuid);
    }
  }

  /**
   * A singleton by its fq_name (issue 7 item 2): another object of the type, whoever created it and
   * whenever, must not stand in for it (a second global-system-config once set the node's ASN).
   */
  private singleton(type: string, name: string): Entry | undefined {
    for (const uuid of this.byType.get(type) ?? []) {
      const e = this.objects.get(uuid);
      if (e !== undefined && e.fq.length === 1 && e.fq[0] === name) return e;
    }
    return undefined;
  }

  private deriveRi(uuid: string, delta: ConfigDelta): void {
    const entry = this.objects.get(uuid);
    const oldName = this.riNameByUuid.get(uuid);
    if (entry === undefined) {
      if (oldName !== undefined) {
        this.riNameByUuid.delete(uuid);
        this.riDefs.delete(oldName);
        delta.riDeletes.push(oldName);
      }
      return;
    }
    if (isMasterInstance(entry.fq)) return;
    const vn = entry.parentUuid ? this.objects.get(entry.parentUuid) : undefined;
    const def = routingInstanceDef(entry.object, vn?.type === 'virtual-network' ? vn.object : undefined);
    const json = JSON.stringify(def);
    if (oldName !== undefined && oldName !== def.name) {
      this.riDefs.delete(oldName);
      delta.riDeletes.push(oldName);
    }
    if (this.riDefs.get(def.name)?.json === json) return;
    this.riNameByUuid.set(uuid, def.name);
    this.riDefs.set(def.name, { uuid, def, json });
    delta.riUpserts.push(def);
  }

  private deriveBgp(): BgpConfig {
    const routers = [...(this.byType.get('bgp-router') ?? [])].map((uuid) => ({
      uuid,
      e: this.objects.get(uuid)!,
    }));
    const isMasterRouter = (fq: string[]) => fq.length === 5 && isMasterInstance(fq.slice(0, 4));
    const ownEntry = routers.find((r) => isMasterRouter(r.e.fq) && r.e.fq[4] === this.nodeName);
    const peers = new Map<string, PeerConfig>();
    if (ownEntry === undefined) return { own: undefined, peers };
    const params = (ownEntry.e.object['bgp_router_parameters'] ?? {}) as Record<string, unknown>;
    if (params['router_type'] !== undefined && params['router_type'] !== 'control-node')
      this.warn(`own bgp-router ${this.nodeName} has router_type ${String(params['router_type'])}`);
    const own = ownRouter(ownEntry.uuid, ownEntry.e.object);
    // One session per ref, whichever end holds it (the API mirrors them, but a replay may not).
    const attrs = new Map<string, unknown>();
    for (const r of refsOf(ownEntry.e.object, 'bgp_router_refs'))
      if (r.uuid !== own.uuid) attrs.set(r.uuid, r.attr);
    for (const r of routers) {
      if (r.uuid === own.uuid || attrs.has(r.uuid)) continue;
      const back = refsOf(r.e.object, 'bgp_router_refs').find((x) => x.uuid === own.uuid);
      if (back !== undefined) attrs.set(r.uuid, back.attr);
    }
    for (const [uuid, attr] of attrs) {
      const peer = this.objects.get(uuid);
      if (peer === undefined || peer.type !== 'bgp-router') continue;
      const pc = peerConfig(own, uuid, peer.object, attr, this.globalCache, this.warn);
      if (pc !== undefined) peers.set(pc.name, pc);
    }
    return { own, peers };
  }
}
