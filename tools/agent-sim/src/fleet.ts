import { Agent, parseControlAddress, type AgentOptions, type ControlAddress } from './agent';
import type { ConnectionState, ReconnectOptions } from './connection';
import { addCounters, newCounters, type AgentCounters } from './counters';
import { ConnectRamp, Ticker } from './ticker';

export interface FleetOptions {
  control: ControlAddress | string;
  /** Default 90 s, for every agent of the fleet. */
  holdTimeMs?: number;
  reconnect?: ReconnectOptions | false;
  /** Agents between TCP connect and established at once. Default 64. */
  maxConnecting?: number;
  /** Defaults for every agent (see AgentOptions). */
  fib?: 'full' | 'count';
  evpn?: boolean;
  keepStaleRoutes?: boolean;
}

/** What `add` needs per agent; everything else comes from the fleet. */
export type FleetAgentOptions = Pick<AgentOptions, 'name' | 'address'> &
  Partial<
    Pick<
      AgentOptions,
      | 'evpn'
      | 'fib'
      | 'keepStaleRoutes'
      | 'encapsulationPriority'
      | 'fatalStreamErrors'
      | 'tls'
      | 'localAddress'
    >
  >;

/**
 * Many agents in one process, for scale tests of the control node: one shared tick drives every agent's
 * keepalive, hold and backoff deadlines; a ramp bounds concurrent handshakes (so a start, or a control
 * node restart that drops every session, does not open a thousand streams in the same millisecond).
 * Each agent is a plain `Agent`, so per-agent checks work as in single-agent tests.
 */
export class AgentFleet {
  readonly ticker: Ticker;
  readonly ramp: ConnectRamp;
  private readonly list: Agent[] = [];
  private readonly byName = new Map<string, Agent>();
  private readonly control: ControlAddress;
  private readonly holdTimeMs: number;
  private started = false;

  constructor(private readonly o: FleetOptions) {
    this.control = typeof o.control === 'string' ? parseControlAddress(o.control) : o.control;
    this.holdTimeMs = o.holdTimeMs ?? 90_000;
    this.ticker = new Ticker(Ticker.periodFor(this.holdTimeMs));
    this.ramp = new ConnectRamp(o.maxConnecting ?? 64);
  }

  get agents(): readonly Agent[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  get(name: string): Agent | undefined {
    return this.byName.get(name);
  }

  /** Adds an agent; it starts at once if the fleet is running. */
  add(a: FleetAgentOptions): Agent {
    if (this.byName.has(a.name)) throw new Error(`fleet already has an agent ${a.name}`);
    const agent = new Agent({
      ...(this.o.fib !== undefined ? { fib: this.o.fib } : {}),
      ...(this.o.evpn !== undefined ? { evpn: this.o.evpn } : {}),
      ...(this.o.keepStaleRoutes !== undefined ? { keepStaleRoutes: this.o.keepStaleRoutes } : {}),
      ...a,
      control: this.control,
      holdTimeMs: this.holdTimeMs,
      ...(this.o.reconnect !== undefined ? { reconnect: this.o.reconnect } : {}),
      ticker: this.ticker,
      ramp: this.ramp,
    });
    this.list.push(agent);
    this.byName.set(a.name, agent);
    if (this.started) agent.start();
    return agent;
  }

  /** Starts every agent; the ramp paces the handshakes. */
  start(): this {
    this.started = true;
    for (const a of this.list) a.start();
    return this;
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.list.map((a) => a.stop()));
  }

  /** Sum of every agent's counters. */
  counters(): AgentCounters {
    const sum = newCounters();
    for (const a of this.list) addCounters(sum, a.counters);
    return sum;
  }

  /** How many agents are in each connection state. */
  states(): Partial<Record<ConnectionState, number>> {
    const out: Partial<Record<ConnectionState, number>> = {};
    for (const a of this.list) out[a.state] = (out[a.state] ?? 0) + 1;
    return out;
  }

  /**
   * Resolves once `cond` holds, checked every `pollMs`: fleet-wide conditions (every agent has N routes)
   * have no single key to wake on, and polling a thousand agents every 50 ms is cheap next to the traffic.
   */
  waitUntil(
    cond: (f: AgentFleet) => boolean,
    timeoutMs = 30_000,
    what = 'fleet condition',
    pollMs = 50,
  ): Promise<void> {
    if (cond(this)) return Promise.resolve();
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const t = setInterval(() => {
        if (cond(this)) {
          clearInterval(t);
          resolve();
        } else if (Date.now() > deadline) {
          clearInterval(t);
          reject(
            new Error(`${what} not reached after ${timeoutMs} ms; states ${JSON.stringify(this.states())}`),
          );
        }
      }, pollMs);
    });
  }

  waitForAllEstablished(timeoutMs = 30_000): Promise<void> {
    return this.waitUntil(
      (f) => f.list.every((a) => a.state === 'established'),
      timeoutMs,
      'all agents established',
    );
  }

  waitForAllEndOfRib(timeoutMs = 30_000): Promise<void> {
    return this.waitUntil(
      (f) => f.list.every((a) => a.endOfRibReceived),
      timeoutMs,
      'end-of-RIB at every agent',
    );
  }
}
