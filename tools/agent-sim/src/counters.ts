/**
 * Per-agent counters, named after what the control node's introspect counts on its side (routing.md E:
 * `reach`, `unreach`, `end_of_rib`, `bad_items`) so a test can compare both ends of one session.
 * Plain numbers in a plain object: a fleet sums them without allocation.
 */
export interface AgentCounters {
  /** TCP connects started. */
  connectAttempts: number;
  /** Streams that reached established (header exchanged). */
  established: number;
  /** Established streams that went down again. */
  flaps: number;
  bytesSent: number;
  bytesReceived: number;
  keepalivesSent: number;
  keepalivesReceived: number;
  stanzasReceived: number;
  subscribesSent: number;
  unsubscribesSent: number;
  /** Route adds/changes published (publish + associate pairs). */
  reachSent: number;
  /** Route deletes published (publish + dissociate pairs). */
  unreachSent: number;
  endOfRibSent: number;
  /** `<item>`s received from the control node. */
  reachReceived: number;
  /** `<retract>`s received. */
  unreachReceived: number;
  endOfRibReceived: number;
  /** Items that did not decode, or arrived for a routing instance this agent is not subscribed to. */
  badItems: number;
  /** Learned routes removed because the new session's end-of-RIB did not refresh them. */
  staleSwept: number;
  streamErrorsReceived: number;
  streamErrorsSent: number;
  /** Stanzas the agent does not act on (iq results, UVE echoes, unknown messages). */
  ignoredStanzas: number;
}

export function newCounters(): AgentCounters {
  return {
    connectAttempts: 0,
    established: 0,
    flaps: 0,
    bytesSent: 0,
    bytesReceived: 0,
    keepalivesSent: 0,
    keepalivesReceived: 0,
    stanzasReceived: 0,
    subscribesSent: 0,
    unsubscribesSent: 0,
    reachSent: 0,
    unreachSent: 0,
    endOfRibSent: 0,
    reachReceived: 0,
    unreachReceived: 0,
    endOfRibReceived: 0,
    badItems: 0,
    staleSwept: 0,
    streamErrorsReceived: 0,
    streamErrorsSent: 0,
    ignoredStanzas: 0,
  };
}

export function addCounters(into: AgentCounters, c: Readonly<AgentCounters>): AgentCounters {
  for (const k of Object.keys(into) as Array<keyof AgentCounters>) into[k] += c[k];
  return into;
}
