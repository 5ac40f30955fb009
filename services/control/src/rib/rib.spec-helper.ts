import type { RouteEntry, RouteUpdate } from '@skein/xmpp';
import type { UpdateBatch } from '@skein/bgp';
import { Rib, type RibOptions } from './rib';
import type { RibChanges } from './changes';
import type { RoutingInstanceDef } from './routing-instance';

/** Shared fixtures for the rib specs: names and numbers as in routing.md's examples. */
export const BLUE = 'default-domain:p1:blue:blue';
export const RED = 'default-domain:p1:red:red';
export const GREEN = 'default-domain:p1:green:green';
export const BLUE_RT = 'target:64512:8000001';
export const RED_RT = 'target:64512:8000002';
export const GREEN_RT = 'target:64512:8000003';

export function newRib(opts: Partial<RibOptions> = {}): Rib {
  return new Rib({ routerId: '10.0.0.1', asn: 64512, ...opts });
}

/** Blue and red as `blueRed` defines them; a spec spreads one and overrides what it changes. */
export const BLUE_DEF: RoutingInstanceDef = {
  name: BLUE,
  vn: 'default-domain:p1:blue',
  vnIndex: 5,
  importTargets: [BLUE_RT],
  exportTargets: [BLUE_RT],
};
export const RED_DEF: RoutingInstanceDef = {
  name: RED,
  vn: 'default-domain:p1:red',
  vnIndex: 6,
  importTargets: [RED_RT],
  exportTargets: [RED_RT],
};

export function blueRed(rib: Rib): void {
  rib.upsertRoutingInstance(BLUE_DEF);
  rib.upsertRoutingInstance(RED_DEF);
}

export interface EntryOptions {
  lp?: number;
  med?: number;
  encaps?: string[];
  vn?: string;
  sgs?: number[];
}

export function entry(prefix: string, nextHop: string, label: number, o: EntryOptions = {}): RouteEntry {
  const e: RouteEntry = {
    nlri: { family: prefix.includes(':') ? 'inet6' : 'inet', prefix },
    nextHops: [{ address: nextHop, label, tunnelEncapsulations: o.encaps ?? ['gre'], tags: [] }],
    securityGroups: o.sgs ?? [],
    communityTags: [],
  };
  if (o.lp !== undefined) e.localPreference = o.lp;
  if (o.med !== undefined) e.med = o.med;
  if (o.vn !== undefined) e.virtualNetwork = o.vn;
  return e;
}

/** Agent up and subscribed, its subscribe download drained. */
export function addAgent(rib: Rib, name: string, address: string, ri: string, instanceId = 1): void {
  rib.agentUp(name, address);
  rib.subscribe(name, ri, instanceId);
}

export function agentUpdates(c: RibChanges, agent: string, ri?: string): RouteUpdate[] {
  return c.agents
    .filter((a) => a.agent === agent && (ri === undefined || a.ri === ri))
    .flatMap((a) => a.updates);
}

export function peerBatches(c: RibChanges, peer: string): UpdateBatch[] {
  return c.peers.filter((p) => p.peer === peer).flatMap((p) => p.batches);
}

export function announced(c: RibChanges, peer: string): unknown[] {
  return peerBatches(c, peer).flatMap((b) => (b.announce ?? []) as unknown[]);
}

export function withdrawn(c: RibChanges, peer: string): unknown[] {
  return peerBatches(c, peer).flatMap((b) => (b.withdraw ?? []) as unknown[]);
}
