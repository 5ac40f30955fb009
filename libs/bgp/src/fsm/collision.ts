import { parseIpv4 } from '../codec/ip';
import { SessionState } from './types';

/** One of the (at most two) connections to the same peer. */
export interface PeerConnection {
  /** Who opened the TCP connection. */
  initiatedBy: 'local' | 'remote';
  state: SessionState;
}

/**
 * RFC 4271 §6.8: when both speakers connected at once, the connection opened by the side with the higher
 * BGP identifier survives (identifiers compared as unsigned 32-bit integers). Equal identifiers are only
 * legal between different ASes, and then the higher AS wins (RFC 6286 §2.3).
 */
export function collisionSurvivor(
  local: { id: string; as: number },
  remote: { id: string; as: number },
): 'local' | 'remote' {
  const l = parseIpv4(local.id);
  const r = parseIpv4(remote.id);
  if (l !== r) return l > r ? 'local' : 'remote';
  return local.as > remote.as ? 'local' : 'remote';
}

/**
 * Which of two connections to the same peer must be dumped with Cease 6/7, or undefined while no collision
 * can be detected yet (it needs the peer's identifier, i.e. an OPEN received: OpenConfirm or Established).
 * An Established session always wins: the newcomer is closed (CollisionDetectEstablishedState off).
 */
export function collisionLoser<C extends PeerConnection>(
  a: C,
  b: C,
  local: { id: string; as: number },
  remote: { id: string; as: number },
): C | undefined {
  const known = (s: SessionState) => s === 'OpenConfirm' || s === 'Established';
  if (!known(a.state) || !known(b.state)) return undefined;
  if (a.state === 'Established') return b;
  if (b.state === 'Established') return a;
  const survivor = collisionSurvivor(local, remote);
  return a.initiatedBy === survivor ? b : a;
}
