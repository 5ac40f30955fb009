/**
 * Protocol errors as values (GoBGP `MessageError` style): every decode failure carries the NOTIFICATION it
 * maps to (RFC 4271 §4.5, §6) and the RFC 7606 handling level, so the session never has to guess.
 */

/** RFC 7606 §2 error-handling approaches, weakest last. "AFI/SAFI disable" is not offered: we reset instead. */
export type ErrorHandling = 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';

export const ErrorCode = {
  MessageHeader: 1,
  OpenMessage: 2,
  UpdateMessage: 3,
  HoldTimerExpired: 4,
  FsmError: 5,
  Cease: 6,
  RouteRefresh: 7,
} as const;

export const HeaderSubcode = {
  ConnectionNotSynchronized: 1,
  BadMessageLength: 2,
  BadMessageType: 3,
} as const;

export const OpenSubcode = {
  Unspecific: 0,
  UnsupportedVersion: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
  UnsupportedCapability: 7,
} as const;

export const UpdateSubcode = {
  MalformedAttributeList: 1,
  UnrecognizedWellKnownAttribute: 2,
  MissingWellKnownAttribute: 3,
  AttributeFlagsError: 4,
  AttributeLengthError: 5,
  InvalidOrigin: 6,
  InvalidNextHop: 8,
  OptionalAttributeError: 9,
  InvalidNetworkField: 10,
  MalformedAsPath: 11,
} as const;

/** RFC 6608: which state the unexpected message arrived in. */
export const FsmSubcode = { Unspecified: 0, OpenSent: 1, OpenConfirm: 2, Established: 3 } as const;

/** RFC 4486 / RFC 8203. */
export const CeaseSubcode = {
  MaxPrefixes: 1,
  AdministrativeShutdown: 2,
  PeerDeconfigured: 3,
  AdministrativeReset: 4,
  ConnectionRejected: 5,
  OtherConfigurationChange: 6,
  ConnectionCollisionResolution: 7,
  OutOfResources: 8,
} as const;

/** RFC 7313 §5. */
export const RouteRefreshSubcode = { InvalidMessageLength: 1 } as const;

const EMPTY = Buffer.alloc(0);

export class BgpError extends Error {
  constructor(
    readonly code: number,
    readonly subcode: number,
    message: string,
    readonly handling: ErrorHandling = 'session-reset',
    /** NOTIFICATION data as RFC 4271 prescribes for this error (often the offending attribute). */
    readonly data: Buffer = EMPTY,
    /** Path attribute type code, for UPDATE attribute errors. */
    readonly attributeType?: number,
  ) {
    super(message);
    this.name = 'BgpError';
  }

  /** "3/6 Invalid ORIGIN Attribute: …" — what a network engineer greps for. */
  override toString(): string {
    return `${this.code}/${this.subcode} ${describeNotification(this.code, this.subcode)}: ${this.message}`;
  }
}

export const isBgpError = (e: unknown): e is BgpError => e instanceof BgpError;

const CODE_NAMES: Record<number, string> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'ROUTE-REFRESH Message Error',
};

const SUBCODE_NAMES: Record<number, Record<number, string>> = {
  1: { 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
  2: {
    0: 'Unspecific',
    1: 'Unsupported Version Number',
    2: 'Bad Peer AS',
    3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter',
    6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability',
  },
  3: {
    1: 'Malformed Attribute List',
    2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error',
    5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute',
    8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error',
    10: 'Invalid Network Field',
    11: 'Malformed AS_PATH',
  },
  5: {
    0: 'Unspecified Error',
    1: 'Receive Unexpected Message in OpenSent State',
    2: 'Receive Unexpected Message in OpenConfirm State',
    3: 'Receive Unexpected Message in Established State',
  },
  6: {
    1: 'Maximum Number of Prefixes Reached',
    2: 'Administrative Shutdown',
    3: 'Peer De-configured',
    4: 'Administrative Reset',
    5: 'Connection Rejected',
    6: 'Other Configuration Change',
    7: 'Connection Collision Resolution',
    8: 'Out of Resources',
  },
  7: { 1: 'Invalid Message Length' },
};

/** Human name of a NOTIFICATION code/subcode pair, for logs and introspect. */
export function describeNotification(code: number, subcode: number): string {
  const name = CODE_NAMES[code] ?? `Unknown Error ${code}`;
  const sub = SUBCODE_NAMES[code]?.[subcode];
  return sub ? `${name} / ${sub}` : subcode === 0 ? name : `${name} / subcode ${subcode}`;
}

// Factories keep call sites one line and the handling level explicit.
export const sessionReset = (
  code: number,
  subcode: number,
  message: string,
  data?: Buffer,
  attributeType?: number,
) => new BgpError(code, subcode, message, 'session-reset', data, attributeType);

export const updateError = (
  handling: ErrorHandling,
  subcode: number,
  attributeType: number | undefined,
  message: string,
  data?: Buffer,
) => new BgpError(ErrorCode.UpdateMessage, subcode, message, handling, data, attributeType);

const RANK: Record<ErrorHandling, number> = {
  'session-reset': 3,
  'treat-as-withdraw': 2,
  'attribute-discard': 1,
};

/** RFC 7606 §3(h): when several errors apply, the strongest approach wins. */
export function strongest(errors: readonly BgpError[]): ErrorHandling | undefined {
  let best: ErrorHandling | undefined;
  for (const e of errors) if (!best || RANK[e.handling] > RANK[best]) best = e.handling;
  return best;
}
