import { describeNotificationMessage, type NotificationMessage } from '@skein/bgp';
import type { Neighbor } from '../bgp/neighbor';
import type { ControlNode } from '../control-node';
import type { AgentSession } from '../xmpp/session';

/** Part E `/neighbors` entry; BGP peers and XMPP agents share the shape. */
export interface NeighborView {
  name: string;
  type: 'bgp' | 'xmpp';
  address: string;
  local_asn: number;
  peer_asn: number;
  router_type: string;
  state: string;
  negotiated_families: string[];
  configured_families?: string[];
  hold_time: number;
  uptime: number | null;
  flaps: number;
  counters: Record<string, number>;
  last_notification_in: string | null;
  last_notification_out: string | null;
  close_reason: string | null;
  /** BGP: while a prefix limit's idle timeout runs, when the session may come back (ISO time). */
  idle_until?: string | null;
  subscribed_ris: string[];
  admin_down?: boolean;
  passive?: boolean;
}

const note = (n: NotificationMessage | undefined) =>
  n === undefined ? null : describeNotificationMessage(n);
const seconds = (since: number | undefined, now: number) =>
  since === undefined ? null : Math.round((now - since) / 1000);

function idleUntil(n: Neighbor, now: number): string | null {
  const until = n.prefixLimitTrip?.until;
  return until !== undefined && until > now ? new Date(until).toISOString() : null;
}

export function bgpNeighborView(node: ControlNode, n: Neighbor): NeighborView {
  const neg = n.negotiated;
  return {
    name: n.name,
    type: 'bgp',
    address: n.cfg.address,
    local_asn: n.cfg.localAs,
    peer_asn: n.cfg.peerAs,
    router_type: n.cfg.routerType,
    state: n.state,
    negotiated_families: neg ? [...neg.families] : [],
    configured_families: [...n.cfg.families],
    hold_time: neg?.holdTime ?? n.cfg.holdTime,
    uptime: seconds(n.establishedAt, node.clock.now()),
    flaps: n.flaps,
    counters: { ...n.counters() },
    last_notification_in: note(n.lastNotificationIn),
    last_notification_out: note(n.lastNotificationOut),
    close_reason: n.prefixLimitTrip?.reason ?? n.closeReason ?? null,
    idle_until: idleUntil(n, node.clock.now()),
    subscribed_ris: [],
    admin_down: n.cfg.adminDown,
    passive: n.cfg.passive,
  };
}

export function agentView(node: ControlNode, s: AgentSession): NeighborView {
  const asn = node.rib.asn;
  return {
    name: s.name,
    type: 'xmpp',
    address: s.address,
    local_asn: asn,
    peer_asn: asn,
    router_type: 'vrouter',
    state: s.established ? 'Established' : 'Closed',
    negotiated_families: ['inet', 'inet6', 'evpn'],
    hold_time: node.settings().xmppHoldTime,
    uptime: seconds(s.establishedAt, Date.now()),
    flaps: node.xmpp.flaps(s.name),
    counters: {
      open: s.counters.open,
      update: s.counters.update,
      keepalive: s.counters.keepalive,
      notification: 0,
      reach: s.counters.reach,
      unreach: s.counters.unreach,
      end_of_rib: s.counters.end_of_rib,
      bad_items: s.counters.bad_items,
      attr_errors: 0,
      sent_items: s.counters.sent_items,
      blocked: s.counters.blocked,
    },
    last_notification_in: null,
    last_notification_out: s.lastError ?? null,
    close_reason: s.closeReason ?? null,
    subscribed_ris: [...s.subscriptions.keys()].sort(),
  };
}

export function neighborViews(node: ControlNode): NeighborView[] {
  const out: NeighborView[] = [];
  for (const n of node.bgp.all()) out.push(bgpNeighborView(node, n));
  for (const s of node.xmpp.all()) out.push(agentView(node, s));
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
