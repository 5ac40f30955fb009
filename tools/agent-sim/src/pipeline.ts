import type { FibEntry, FibNextHop } from './vrf';

/**
 * What the vRouter datapath would do with one packet, as an ordered list of stages that each may rewrite
 * the packet context, or stop with a drop. Only routing exists today (route lookup, ECMP choice); the
 * other features of a vRouter are meant to be more stages in this list, in this order:
 *
 *   [nat-in]        floating IP DNAT: a packet for a FIP gets dst = the fixed IP and ri = the VMI's VRF
 *   route-lookup    longest-prefix match in the VRF; sets `route`, destination VN/SGs/tags
 *   [security]      network-policy ACLs, security-group ACLs, firewall policies (needs both VNs, SGs, tags,
 *                   so after the lookup); a deny is `drop` with the rule as reason
 *   ecmp-select     one next hop of the route by 5-tuple hash, like the vRouter's flow-based ECMP
 *   [nat-out]       SNAT of a VM's outbound packet through its FIP
 *   [flow]          records the 5-tuple, VNs, verdict in a flow table (later exported to `agent.flows`)
 *
 * A stage sees only the context and the FIB, so it can be tested without sockets.
 */

export interface Packet {
  /** The VRF the packet enters (the sending VMI's routing instance). */
  ri: string;
  src?: string;
  dst: string;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp). */
  proto?: number;
  sport?: number;
  dport?: number;
}

export interface PacketContext {
  readonly packet: Readonly<Packet>;
  /** The VRF and destination after rewrites (NAT stages change them). */
  ri: string;
  dst: string;
  route?: FibEntry;
  nextHop?: FibNextHop;
  /** Stage names in the order they ran, for explaining a verdict. */
  trace: string[];
}

export interface Drop {
  action: 'drop';
  reason: 'no-route' | 'no-usable-next-hop' | (string & {});
  detail?: string;
}

export interface FibLookup {
  lookup(ri: string, address: string): FibEntry | undefined;
}

export interface ForwardingStage {
  readonly name: string;
  /** Undefined to go on to the next stage. */
  run(ctx: PacketContext, fib: FibLookup): Drop | undefined;
}

export type Verdict =
  | { action: 'local'; ri: string; dst: string; route: FibEntry; nextHop: FibNextHop; trace: string[] }
  | { action: 'tunnel'; ri: string; dst: string; route: FibEntry; nextHop: FibNextHop; trace: string[] }
  | (Drop & { trace: string[] });

export const routeLookup: ForwardingStage = {
  name: 'route-lookup',
  run(ctx, fib) {
    const route = fib.lookup(ctx.ri, ctx.dst);
    if (route === undefined || route.nextHops.length === 0) {
      return { action: 'drop', reason: 'no-route', detail: `${ctx.dst} in ${ctx.ri}` };
    }
    ctx.route = route;
    return undefined;
  },
};

export const ecmpSelect: ForwardingStage = {
  name: 'ecmp-select',
  run(ctx) {
    // A next hop whose encapsulations this vRouter cannot use is not a member of the ECMP set.
    const usable = ctx.route!.nextHops.filter(
      (nh) => nh.interface !== undefined || nh.encapsulation !== undefined,
    );
    if (usable.length === 0)
      return { action: 'drop', reason: 'no-usable-next-hop', detail: ctx.route!.prefix };
    const p = ctx.packet;
    const key = `${p.src ?? ''}|${ctx.dst}|${p.proto ?? 0}|${p.sport ?? 0}|${p.dport ?? 0}`;
    ctx.nextHop = usable[fnv1a(key) % usable.length];
    return undefined;
  },
};

export const DEFAULT_STAGES: readonly ForwardingStage[] = [routeLookup, ecmpSelect];

export function runPipeline(stages: readonly ForwardingStage[], fib: FibLookup, packet: Packet): Verdict {
  const ctx: PacketContext = { packet, ri: packet.ri, dst: packet.dst, trace: [] };
  for (const s of stages) {
    ctx.trace.push(s.name);
    const drop = s.run(ctx, fib);
    if (drop !== undefined) return { ...drop, trace: ctx.trace };
  }
  if (ctx.route === undefined || ctx.nextHop === undefined) {
    return { action: 'drop', reason: 'no-route', detail: 'no stage chose a next hop', trace: ctx.trace };
  }
  const action = ctx.nextHop.interface !== undefined ? 'local' : 'tunnel';
  return { action, ri: ctx.ri, dst: ctx.dst, route: ctx.route, nextHop: ctx.nextHop, trace: ctx.trace };
}

/** 32-bit FNV-1a: stable across runs, so a flow keeps its ECMP member in a test. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
