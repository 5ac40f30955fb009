import {
  encodeExtCommunity,
  nlriKey,
  parseExtCommunity,
  parseRouteTarget,
  type RtMembership,
} from '@skein/bgp';
import type { AttrSet } from './attrs';
import type { Peer } from './peer';

/**
 * Route-target constraint (RFC 4684, routing.md B5): the keys of `bgp.rtarget.0`, what a membership route
 * says about its sender's interest, and the per-peer filter applied to VPN routes.
 */

export const DEFAULT_MEMBERSHIP_KEY = 'default';

/** The membership route the control node originates for one import target. */
export function membershipNlri(originAs: number, rt: string): RtMembership {
  return { prefixLength: 96, originAs, routeTarget: parseRouteTarget(rt) };
}

export function membershipKey(originAs: number, rt: string): string {
  return nlriKey('route-target', membershipNlri(originAs, rt));
}

/** The NLRI back from its key (`default`, `<as>:*\/32`, `<as>:<ext community>/<len>`). */
export function membershipFromKey(key: string): RtMembership {
  if (key === DEFAULT_MEMBERSHIP_KEY) return { prefixLength: 0, originAs: 0 };
  const colon = key.indexOf(':');
  const slash = key.lastIndexOf('/');
  const originAs = Number(key.slice(0, colon));
  const prefixLength = Number(key.slice(slash + 1));
  const rt = key.slice(colon + 1, slash);
  if (rt === '*') return { prefixLength, originAs };
  return { prefixLength, originAs, routeTarget: parseExtCommunity(rt) };
}

/** What one membership route asks for. */
export type Interest =
  | { kind: 'default' }
  | { kind: 'exact'; rt: string }
  /** Lengths 32-95: the first `bits` bits of the 8-octet target (0 bits: every target). */
  | { kind: 'partial'; bits: number; bytes: Uint8Array };

export function interestOf(key: string): Interest {
  const m = membershipFromKey(key);
  if (m.prefixLength === 0) return { kind: 'default' };
  if (m.prefixLength === 96 && m.routeTarget?.kind === 'route-target')
    return { kind: 'exact', rt: key.slice(key.indexOf(':') + 1, key.lastIndexOf('/')) };
  const bytes = new Uint8Array(8);
  if (m.routeTarget) encodeExtCommunity(m.routeTarget, bytes, 0);
  return { kind: 'partial', bits: m.prefixLength - 32, bytes };
}

function partialMatch(bits: number, want: Uint8Array, rt: Uint8Array): boolean {
  let i = 0;
  for (; (i + 1) * 8 <= bits; i++) if (want[i] !== rt[i]) return false;
  const rest = bits - i * 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (want[i]! & mask) === (rt[i]! & mask);
}

const scratch = new Uint8Array(8);

/**
 * B5: a VPN route goes to a peer that negotiated route-target only if the peer announced one of the route's
 * targets (or a prefix covering it) or the default; a peer without route-target gets everything.
 */
export function peerWantsRoute(peer: Peer, attrs: AttrSet): boolean {
  if (!peer.families.has('route-target') || peer.rtDefault > 0) return true;
  const rts = attrs.routeTargets;
  for (let i = 0; i < rts.length; i++) if (peer.rtExact.has(rts[i]!)) return true;
  if (peer.rtPartial.length === 0) return false;
  for (const rt of rts) {
    encodeExtCommunity(parseRouteTarget(rt), scratch, 0);
    for (const p of peer.rtPartial) if (p.count > 0 && partialMatch(p.bits, p.bytes, scratch)) return true;
  }
  return false;
}

/** Records (delta +1) or forgets (-1) one membership route from `peer`; returns what changed in its interest. */
export function applyInterest(
  peer: Peer,
  interest: Interest,
  delta: 1 | -1,
): { changed: boolean; walkAll: boolean; rt?: string } {
  switch (interest.kind) {
    case 'default': {
      const before = peer.rtDefault;
      peer.rtDefault = Math.max(0, before + delta);
      return { changed: (before === 0) !== (peer.rtDefault === 0), walkAll: true };
    }
    case 'exact': {
      const before = peer.rtExact.get(interest.rt) ?? 0;
      const after = Math.max(0, before + delta);
      if (after === 0) peer.rtExact.delete(interest.rt);
      else peer.rtExact.set(interest.rt, after);
      return { changed: (before === 0) !== (after === 0), walkAll: false, rt: interest.rt };
    }
    case 'partial': {
      let entry = peer.rtPartial.find((p) => p.bits === interest.bits && sameBytes(p.bytes, interest.bytes));
      if (entry === undefined) {
        if (delta < 0) return { changed: false, walkAll: false };
        entry = { bits: interest.bits, bytes: interest.bytes, count: 0 };
        peer.rtPartial.push(entry);
      }
      const before = entry.count;
      entry.count = Math.max(0, before + delta);
      if (entry.count === 0) peer.rtPartial.splice(peer.rtPartial.indexOf(entry), 1);
      return { changed: (before === 0) !== (entry.count === 0), walkAll: true };
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return false;
  return true;
}
