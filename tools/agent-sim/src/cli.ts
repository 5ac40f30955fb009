import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatPrefix, parseIp } from '@skein/xmpp';
import { parseControlAddress, type Agent, type RouteChange } from './agent';
import type { DownReason } from './connection';
import { AgentFleet } from './fleet';
import { parseRoutePrefix } from './prefix-table';
import { testNetAddress } from './test-net';

export const AGENT_SIM_USAGE = `usage: skein agent-sim [options]

Simulated vRouter agents on a control node's XMPP port. Prints route changes and session events as
JSON lines; on SIGINT/SIGTERM prints a summary line and exits.

  --control <host:port>          control node XMPP endpoint (default 127.0.0.1:5269)
  --name <name>                  agent name; with --count, the prefix of <name>-<i> (default agent-sim)
  --address <ipv4>               next-hop address (default 192.0.2.1); not with --count
  --subscribe <ri>:<instance-id> subscribe to a routing instance (repeatable)
  --interface <ri>,<prefix>,<label>
                                 publish an interface route (repeatable); RIs not subscribed are
                                 subscribed with the lowest free instance-id. With --count, agent i
                                 publishes the i-th block after <prefix> (10.1.1.3/32 -> 10.1.1.3+i)
  --count <n>                    run n agents with TEST-NET next hops (192.0.2.x, 198.51.100.x, ...)
  --hold-time <seconds>          XMPP hold time, 1-90 (default 90); keepalives every third of it
  --evpn                         also publish EVPN MAC/IP and BUM routes
  --max-connecting <n>           handshakes in flight at once (default 64)
  --local-address <ipv4>         connect from this address (the node checks it against the virtual-router's)
  --tls-cert <file> --tls-key <file> --tls-ca <file>
                                 STARTTLS with this client certificate (its CN names the agent) and check
                                 the control node's certificate against the CA (TF: xmpp_auth_enable)
  --quiet                        no per-route lines, only session events and the summary
  --help`;

export interface CliIo {
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown };
  /** Ends the run like SIGINT (tests); without it SIGINT/SIGTERM do. */
  signal?: AbortSignal;
}

export interface CliConfig {
  control: string;
  name: string;
  address: string | undefined;
  subscribe: Array<{ ri: string; instanceId: number }>;
  interfaces: Array<{ ri: string; prefix: string; label: number }>;
  count: number | undefined;
  holdTimeMs: number;
  evpn: boolean;
  maxConnecting: number;
  quiet: boolean;
  localAddress: string | undefined;
  /** File names of the client certificate, its key and the CA. */
  tls: { cert: string; key: string; ca: string } | undefined;
}

class UsageError extends Error {}

/**
 * `skein agent-sim`: runs until SIGINT/SIGTERM (or `io.signal`), then stops the agents and prints a
 * summary. Resolves with the exit code (2 for bad arguments).
 */
export async function runAgentSimCli(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  let cfg: CliConfig | 'help';
  try {
    cfg = parseCliArgs(argv);
  } catch (e) {
    err.write(`skein agent-sim: ${(e as Error).message}\n${AGENT_SIM_USAGE}\n`);
    return 2;
  }
  if (cfg === 'help') {
    out.write(`${AGENT_SIM_USAGE}\n`);
    return 0;
  }
  let fleet: AgentFleet;
  try {
    fleet = buildFleet(cfg);
  } catch (e) {
    err.write(`skein agent-sim: ${(e as Error).message}\n`);
    return 2;
  }
  let stopping = false;
  // Stopping flushes every learned route; those deletes are the simulator's, not the network's.
  const line = (o: object) => {
    if (!stopping) out.write(`${JSON.stringify(o)}\n`);
  };
  for (const a of fleet.agents) watch(a, line, cfg.quiet);
  fleet.start();

  await new Promise<void>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });

  // Taken before stopping: a summary of the running fleet, not of one being torn down.
  const summary = {
    event: 'summary',
    agents: fleet.size,
    states: fleet.states(),
    routes: fleet.agents.reduce((n, a) => n + a.routeCount, 0),
    counters: fleet.counters(),
  };
  stopping = true;
  await fleet.stop();
  out.write(`${JSON.stringify(summary)}\n`);
  return 0;
}

function watch(a: Agent, line: (o: object) => void, quiet: boolean): void {
  a.on('established', () => line({ event: 'established', agent: a.name }));
  a.on('down', (r: DownReason) => line({ event: 'down', agent: a.name, reason: r }));
  a.on('end-of-rib', () => line({ event: 'end-of-rib', agent: a.name }));
  if (!quiet) a.on('route', (c: RouteChange) => line(routeLine(c)));
}

function routeLine(c: RouteChange): object {
  const base = { event: 'route', agent: c.agent, ri: c.ri, family: c.family, prefix: c.key };
  if (c.entry === undefined) return { ...base, op: 'delete' };
  const nhs = c.entry.nextHops.map((n) => ({
    address: n.address,
    label: n.label,
    ...(n.encapsulation === undefined ? {} : { encapsulation: n.encapsulation }),
    ...(n.vn === undefined ? {} : { vn: n.vn }),
    ...(n.interface === undefined ? {} : { interface: n.interface }),
  }));
  const olist =
    c.family === 'evpn' && c.entry.olist.length > 0 ? { olist: c.entry.olist.map((n) => n.address) } : {};
  return { ...base, op: 'add', stale: c.entry.stale, nextHops: nhs, ...olist };
}

function buildFleet(cfg: CliConfig): AgentFleet {
  const fleet = new AgentFleet({
    control: cfg.control,
    holdTimeMs: cfg.holdTimeMs,
    maxConnecting: cfg.maxConnecting,
    evpn: cfg.evpn,
  });
  const n = cfg.count ?? 1;
  const tls = cfg.tls && {
    cert: readFileSync(cfg.tls.cert),
    key: readFileSync(cfg.tls.key),
    ca: readFileSync(cfg.tls.ca),
  };
  for (let i = 0; i < n; i++) {
    const name = cfg.count === undefined ? cfg.name : `${cfg.name}-${i}`;
    const a = fleet.add({
      name,
      address: cfg.count === undefined ? (cfg.address ?? testNetAddress(0)) : testNetAddress(i),
      ...(tls ? { tls } : {}),
      ...(cfg.localAddress !== undefined ? { localAddress: cfg.localAddress } : {}),
    });
    for (const s of cfg.subscribe) a.subscribe(s.ri, s.instanceId);
    cfg.interfaces.forEach((itf, k) => {
      const address = cfg.count === undefined ? itf.prefix : offsetPrefix(itf.prefix, i);
      a.addInterface({ uuid: `${name}-vmi-${k}`, ri: itf.ri, address, label: itf.label });
    });
  }
  return fleet;
}

export function parseCliArgs(argv: readonly string[]): CliConfig | 'help' {
  let v;
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        control: { type: 'string' },
        name: { type: 'string' },
        address: { type: 'string' },
        subscribe: { type: 'string', multiple: true },
        interface: { type: 'string', multiple: true },
        count: { type: 'string' },
        'hold-time': { type: 'string' },
        evpn: { type: 'boolean' },
        'max-connecting': { type: 'string' },
        quiet: { type: 'boolean' },
        'local-address': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (v.help) return 'help';
  const control = v.control ?? '127.0.0.1:5269';
  parseControlAddress(control);
  const count = v.count === undefined ? undefined : int(v.count, '--count', 1, 1_000_000);
  if (count !== undefined && v.address !== undefined)
    throw new UsageError('--address names one agent; --count generates addresses');
  if (v.address !== undefined && !parseIp(v.address))
    throw new UsageError(`--address ${v.address} is not an address`);
  if (v['local-address'] !== undefined && !parseIp(v['local-address']))
    throw new UsageError(`--local-address ${v['local-address']} is not an address`);
  const tlsFiles = [v['tls-cert'], v['tls-key'], v['tls-ca']];
  if (tlsFiles.some((f) => f !== undefined) && !tlsFiles.every((f) => f !== undefined))
    throw new UsageError('--tls-cert, --tls-key and --tls-ca go together');
  return {
    control,
    name: v.name ?? 'agent-sim',
    address: v.address,
    subscribe: (v.subscribe ?? []).map((s) => {
      // RI names are fq names with ':', so the instance-id is after the last one.
      const i = s.lastIndexOf(':');
      if (i <= 0) throw new UsageError(`--subscribe ${s}: expected <ri>:<instance-id>`);
      return { ri: s.slice(0, i), instanceId: int(s.slice(i + 1), '--subscribe instance-id', 0, 0xffffffff) };
    }),
    interfaces: (v.interface ?? []).map((s) => {
      const parts = s.split(',');
      if (parts.length !== 3 || parts[0] === '')
        throw new UsageError(`--interface ${s}: expected <ri>,<prefix>,<label>`);
      return { ri: parts[0]!, prefix: parts[1]!, label: int(parts[2]!, '--interface label', 0, 0xfffff) };
    }),
    count,
    holdTimeMs: int(v['hold-time'] ?? '90', '--hold-time', 1, 90) * 1000,
    evpn: v.evpn ?? false,
    maxConnecting: int(v['max-connecting'] ?? '64', '--max-connecting', 1, 100_000),
    quiet: v.quiet ?? false,
    localAddress: v['local-address'],
    tls:
      v['tls-cert'] === undefined ? undefined : { cert: v['tls-cert'], key: v['tls-key']!, ca: v['tls-ca']! },
  };
}

function int(s: string, what: string, min: number, max: number): number {
  const n = /^[0-9]+$/.test(s) ? Number(s) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${what} ${JSON.stringify(s)}: expected an integer ${min}..${max}`);
  return n;
}

/** The `i`-th block of the prefix's size after it: 10.1.1.3/32 + 2 = 10.1.1.5/32, 10.1.0.0/24 + 1 = 10.1.1.0/24. */
export function offsetPrefix(prefix: string, i: number): string {
  const p = parseRoutePrefix(prefix);
  if (!p) throw new UsageError(`bad prefix ${prefix}`);
  const bits = p.address.bytes.length * 8;
  let v = 0n;
  for (const b of p.address.bytes) v = (v << 8n) | BigInt(b);
  v += BigInt(i) << BigInt(bits - p.length);
  if (v >> BigInt(bits) !== 0n) throw new UsageError(`${prefix} + ${i} blocks leaves the address space`);
  const bytes = new Uint8Array(bits / 8);
  for (let k = bytes.length - 1; k >= 0; k--, v >>= 8n) bytes[k] = Number(v & 0xffn);
  return formatPrefix({ address: { version: p.address.version, bytes }, length: p.length });
}
