import { DecodeContext } from '../codec/attributes/decode';
import { Capability, encodeCapability, findCapability, multiprotocolOf } from '../codec/capabilities';
import { OpenMessage } from '../codec/open';
import { parseIpv4 } from '../codec/ip';
import { ByteWriter } from '../codec/writer';
import { AS_TRANS, BGP_VERSION } from '../constants';
import { BgpError, ErrorCode, OpenSubcode, sessionReset } from '../errors';
import { FAMILIES, Family, familyOf } from '../families';
import { FsmConfig } from './types';

/** What both ends agreed on; drives timers, the decoder context and what may be advertised. */
export interface NegotiatedSession {
  peerAs: number;
  peerId: string;
  /** min(ours, theirs); 0 = no hold timer and no keepalives. */
  holdTime: number;
  keepaliveTime: number;
  /** Families both sides listed, in our configured order. */
  families: Family[];
  /** Both sent capability 65: AS numbers are 4 octets on this session. */
  as4: boolean;
  routeRefresh: boolean;
  ebgp: boolean;
  /** The peer's graceful restart capability, for helper mode. */
  peerGracefulRestart?: Extract<Capability, { kind: 'graceful-restart' }>;
  peerCapabilities: Capability[];
}

/** Our OPEN: My AS is AS_TRANS when the AS needs 4 octets (RFC 6793 §4.1); capability 65 is always sent. */
export function localOpen(config: FsmConfig): OpenMessage {
  const capabilities: Capability[] = config.families.map((f) => ({ kind: 'multiprotocol', ...FAMILIES[f] }));
  if (config.routeRefresh ?? true) capabilities.push({ kind: 'route-refresh' });
  capabilities.push({ kind: 'four-octet-as', asn: config.localAs });
  if (config.gracefulRestartTime !== undefined) {
    capabilities.push({
      kind: 'graceful-restart',
      flags: 0,
      restartTime: config.gracefulRestartTime,
      families: [],
    });
  }
  return {
    type: 'open',
    version: BGP_VERSION,
    myAs: config.localAs > 0xffff ? AS_TRANS : config.localAs,
    holdTime: config.holdTime,
    bgpId: config.routerId,
    capabilities,
  };
}

/** The peer's AS: capability 65 when present (RFC 6793 §4.1), else My AS. */
export function peerAsOf(open: OpenMessage): number {
  return findCapability(open.capabilities, 'four-octet-as')?.asn ?? open.myAs;
}

/**
 * Checks the peer's OPEN against our configuration (RFC 4271 §6.2, RFC 6286, RFC 5492) and computes the
 * session parameters. Returns the BgpError whose NOTIFICATION must be sent when the OPEN is unacceptable.
 */
export function negotiate(config: FsmConfig, open: OpenMessage): NegotiatedSession | BgpError {
  const as4Cap = findCapability(open.capabilities, 'four-octet-as');
  const peerAs = peerAsOf(open);
  // A 4-octet speaker must put its AS in My AS when it fits, AS_TRANS otherwise.
  const myAsConsistent = !as4Cap || open.myAs === (as4Cap.asn > 0xffff ? AS_TRANS : as4Cap.asn);
  if (peerAs !== config.peerAs || !myAsConsistent) {
    return sessionReset(
      ErrorCode.OpenMessage,
      OpenSubcode.BadPeerAs,
      `peer AS ${peerAs} (My AS ${open.myAs}), expected ${config.peerAs}`,
      Buffer.from([open.myAs >> 8, open.myAs & 0xff]),
    );
  }
  const ebgp = peerAs !== config.localAs;
  // RFC 6286 §2.2: identifiers must differ within an AS; across ASes equal ones are tolerated.
  if (!ebgp && parseIpv4(open.bgpId) === parseIpv4(config.routerId)) {
    return sessionReset(
      ErrorCode.OpenMessage,
      OpenSubcode.BadBgpIdentifier,
      `peer uses our own BGP identifier ${open.bgpId}`,
    );
  }
  if (open.holdTime === 1 || open.holdTime === 2) {
    return sessionReset(
      ErrorCode.OpenMessage,
      OpenSubcode.UnacceptableHoldTime,
      `hold time ${open.holdTime}`,
    );
  }

  // No multiprotocol capability at all means IPv4 unicast only (RFC 4760 §8).
  const offered = multiprotocolOf(open.capabilities);
  const theirs = new Set<Family>();
  if (offered.length === 0) theirs.add('inet');
  for (const { afi, safi } of offered) {
    const f = familyOf(afi, safi);
    if (f) theirs.add(f);
  }
  const families = config.families.filter((f) => theirs.has(f));
  if (families.length === 0) {
    // RFC 5492 §3: the data lists the capabilities the peer lacks, i.e. our multiprotocol ones.
    const w = new ByteWriter(32);
    for (const f of config.families) encodeCapability(w, { kind: 'multiprotocol', ...FAMILIES[f] });
    return sessionReset(
      ErrorCode.OpenMessage,
      OpenSubcode.UnsupportedCapability,
      `no common address family (ours: ${config.families.join(', ')}; theirs: ${[...theirs].join(', ') || 'none known'})`,
      Buffer.from(w.finish()),
    );
  }

  const holdTime = Math.min(config.holdTime, open.holdTime);
  const keepaliveTime =
    holdTime === 0 ? 0 : Math.min(config.keepaliveTime ?? Infinity, Math.floor(holdTime / 3));
  const session: NegotiatedSession = {
    peerAs,
    peerId: open.bgpId,
    holdTime,
    keepaliveTime,
    families,
    as4: as4Cap !== undefined,
    routeRefresh:
      (config.routeRefresh ?? true) && findCapability(open.capabilities, 'route-refresh') !== undefined,
    ebgp,
    peerCapabilities: open.capabilities,
  };
  const gr = findCapability(open.capabilities, 'graceful-restart');
  if (gr) session.peerGracefulRestart = gr;
  return session;
}

/** How UPDATEs from this peer must be decoded. */
export function decodeContextFor(s: NegotiatedSession): DecodeContext {
  return { as4: s.as4, ebgp: s.ebgp, families: new Set(s.families) };
}
