/**
 * Real BGP speakers for interop tests (routing.md Part F): gobgpd and BIRD from Debian, each on its own
 * loopback address (127.0.0.2, .3, …) and a free high port, with a generated config in a temp dir.
 * Recipes and gotchas: notes/infra.md §6.2 (BIRD needs `multihop` on loopback; gobgpd rejects loopback
 * next hops and refuses immediate reconnects unless `idle-hold-time-after-reset` is short).
 *
 * A missing binary is an error with the package to install, never a skip: scripts/test.js installs
 * `gobgpd` and `bird2`.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function requireBinary(bin: string, pkg: string): string {
  const r = spawnSync(
    'sh',
    ['-c', `command -v ${bin} || ls /usr/sbin/${bin} /usr/bin/${bin} 2>/dev/null | head -1`],
    {
      encoding: 'utf8',
    },
  );
  const found = r.stdout.trim().split('\n')[0];
  if (!found) {
    throw new Error(
      `${bin} is not installed: the BGP interop tests need the Debian package ${pkg} (apt-get install -y ${pkg}; npm test installs it)`,
    );
  }
  return found;
}

/** A port nobody listens on at `host` right now (bind to 0, read it, release it). */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host, port: 0 }, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function run(file: string, args: string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not ready in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a child, SIGTERM then SIGKILL, and waits for it. */
function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A daemon in a temp dir of its own: its output kept for failure messages, stopped and cleaned up together. */
abstract class Daemon<O extends { address: string }> {
  private logText = '';

  protected constructor(
    readonly options: O,
    readonly port: number,
    protected readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.logText += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.logText += d.toString()));
  }

  get address(): string {
    return this.options.address;
  }

  log(): string {
    return this.logText;
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Waits until `probe` answers; otherwise stops the daemon and fails with its output. */
  protected async ready(probe: () => Promise<unknown>, what: string): Promise<void> {
    try {
      await until(probe, what, 10_000);
    } catch (e) {
      await this.stop();
      throw new Error(`${String(e)}\n${this.log()}`);
    }
  }
}

// ===== gobgpd ============================================================================================

/** GoBGP afi-safi names: `l3vpn-ipv4-unicast`, `l3vpn-ipv6-unicast`, `rtc`, `ipv4-unicast`, `l2vpn-evpn`. */
export type GobgpFamily =
  'ipv4-unicast' | 'ipv6-unicast' | 'l3vpn-ipv4-unicast' | 'l3vpn-ipv6-unicast' | 'rtc' | 'l2vpn-evpn';

export interface GobgpNeighbor {
  address: string;
  as: number;
  /** The neighbour's BGP port; gobgpd connects to it unless `passive`. */
  port?: number;
  passive?: boolean;
  families: GobgpFamily[];
  holdTime?: number;
}

export interface GobgpOptions {
  /** Loopback address gobgpd listens and connects from (127.0.0.2, …). */
  address: string;
  as: number;
  routerId?: string;
  neighbors: GobgpNeighbor[];
}

/** One path of `gobgp global rib -j`, with the attributes most checks read pulled out. */
export interface GobgpPath {
  /** The table key gobgp prints: `<rd>:<prefix>` for VPN. */
  key: string;
  prefix: string;
  labels: number[];
  nextHop: string | undefined;
  origin: number | undefined;
  asPath: number[];
  localPref: number | undefined;
  med: number | undefined;
  /** Extended communities as gobgp renders them (`64512:8000001` for route targets, raw objects otherwise). */
  extCommunities: unknown[];
  routeTargets: string[];
  best: boolean;
  attrs: any[];
}

function pathOf(key: string, p: any): GobgpPath {
  const attrs: any[] = p.attrs ?? [];
  const find = (t: number) => attrs.find((a) => a.type === t);
  const mp = find(14);
  const ext: unknown[] = find(16)?.value ?? [];
  const asPath: number[] = (find(2)?.as_paths ?? []).flatMap((s: any) => s.asns ?? []);
  return {
    key,
    prefix: p.nlri?.prefix ?? key,
    labels: p.nlri?.labels ?? [],
    nextHop: mp?.nexthop ?? find(3)?.nexthop,
    origin: find(1)?.value,
    asPath,
    localPref: find(5)?.value,
    med: find(4)?.metric,
    extCommunities: ext,
    routeTargets: ext
      .filter((e: any) => (e.type === 0 || e.type === 1 || e.type === 2) && e.subtype === 2)
      .map((e: any) => String(e.value)),
    best: p.best === true,
    attrs,
  };
}

export class GobgpPeer extends Daemon<GobgpOptions> {
  private constructor(
    options: GobgpOptions,
    port: number,
    readonly apiPort: number,
    dir: string,
    child: ChildProcess,
    private readonly cliPath: string,
  ) {
    super(options, port, dir, child);
  }

  static async start(o: GobgpOptions): Promise<GobgpPeer> {
    const gobgpd = requireBinary('gobgpd', 'gobgpd');
    const cli = requireBinary('gobgp', 'gobgpd');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skein-gobgp-'));
    const port = await freePort(o.address);
    const apiPort = await freePort(o.address);
    writeFileSync(path.join(dir, 'gobgpd.toml'), gobgpConfig(o, port));
    const child = spawn(
      gobgpd,
      ['-f', path.join(dir, 'gobgpd.toml'), '--api-hosts', `${o.address}:${apiPort}`, '-l', 'info'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const peer = new GobgpPeer(o, port, apiPort, dir, child, cli);
    await peer.ready(async () => (await peer.cli(['global'])) || undefined, 'gobgpd API');
    return peer;
  }

  cli(args: string[]): Promise<string> {
    return run(this.cliPath, ['-u', this.options.address, '-p', String(this.apiPort), ...args]);
  }

  /** gobgp's session_state as text: idle, connect, active, opensent, openconfirm, established. */
  async neighborState(address: string): Promise<string> {
    const s = (await this.neighbor(address))?.state?.session_state;
    const names = ['unknown', 'idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'];
    return typeof s === 'number' ? (names[s] ?? String(s)) : String(s ?? 'unknown').toLowerCase();
  }

  async neighbor(address: string): Promise<any> {
    return JSON.parse(await this.cli(['neighbor', address, '-j']));
  }

  /** `gobgp global rib -a <family> -j`, flattened to paths. */
  async rib(family = 'vpnv4'): Promise<GobgpPath[]> {
    const out = (await this.cli(['global', 'rib', '-a', family, '-j'])).trim();
    if (out === '' || out === 'null') return [];
    const j = JSON.parse(out) as Record<string, any[]>;
    return Object.entries(j).flatMap(([key, paths]) => paths.map((p) => pathOf(key, p)));
  }

  /** `gobgp global rib -a vpnv4 add <prefix> label <l> rd <rd> rt <rt>… nexthop <nh> [med] [local-pref]`. */
  async addVpnv4(r: {
    prefix: string;
    rd: string;
    rts: string[];
    label: number;
    nextHop: string;
    med?: number;
    localPref?: number;
    encap?: string;
  }): Promise<void> {
    const a = [r.prefix, 'label', String(r.label), 'rd', r.rd, 'rt', ...r.rts.map(gobgpRt)];
    if (r.encap) a.push('encap', r.encap);
    a.push('nexthop', r.nextHop);
    if (r.med !== undefined) a.push('med', String(r.med));
    if (r.localPref !== undefined) a.push('local-pref', String(r.localPref));
    await this.cli(['global', 'rib', '-a', 'vpnv4', 'add', ...a]);
  }

  async delVpnv4(r: { prefix: string; rd: string; label: number }): Promise<void> {
    await this.cli(['global', 'rib', '-a', 'vpnv4', 'del', r.prefix, 'label', String(r.label), 'rd', r.rd]);
  }

  /** A VRF: gobgpd announces membership (RTC) for its import targets. */
  async addVrf(name: string, rd: string, rts: string[]): Promise<void> {
    await this.cli(['vrf', 'add', name, 'rd', rd, 'rt', 'both', ...rts.map(gobgpRt)]);
  }

  async delVrf(name: string): Promise<void> {
    await this.cli(['vrf', 'del', name]);
  }

  async softResetIn(address: string): Promise<void> {
    await this.cli(['neighbor', address, 'softresetin']);
  }
}

/** gobgp writes route targets without the `target:` prefix TF's text form has. */
const gobgpRt = (rt: string) => rt.replace(/^target:/, '');

function gobgpConfig(o: GobgpOptions, port: number): string {
  const lines = [
    '[global.config]',
    `  as = ${o.as}`,
    `  router-id = "${o.routerId ?? o.address}"`,
    `  port = ${port}`,
    `  local-address-list = ["${o.address}"]`,
    '[global.apply-policy.config]',
    '  default-import-policy = "accept-route"',
    '  default-export-policy = "accept-route"',
  ];
  for (const n of o.neighbors) {
    const hold = n.holdTime ?? 9;
    lines.push(
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${n.address}"`,
      `    peer-as = ${n.as}`,
      '  [neighbors.transport.config]',
      `    local-address = "${o.address}"`,
      ...(n.port !== undefined ? [`    remote-port = ${n.port}`] : []),
      `    passive-mode = ${n.passive ? 'true' : 'false'}`,
      '  [neighbors.timers.config]',
      '    connect-retry = 1',
      `    hold-time = ${hold}`,
      `    keepalive-interval = ${Math.max(1, Math.floor(hold / 3))}`,
      // Without this gobgpd refuses reconnects for 30 s after a reset (infra.md §6.2 gotcha 3).
      '    idle-hold-time-after-reset = 1',
    );
    if (n.as !== o.as)
      lines.push('  [neighbors.ebgp-multihop.config]', '    enabled = true', '    multihop-ttl = 2');
    for (const f of n.families) {
      lines.push(
        '  [[neighbors.afi-safis]]',
        '    [neighbors.afi-safis.config]',
        `      afi-safi-name = "${f}"`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

// ===== BIRD ==============================================================================================

export type BirdChannel = 'ipv4' | 'ipv6' | 'vpn4' | 'vpn6';

export interface BirdOptions {
  address: string;
  as: number;
  routerId?: string;
  neighbor: { address: string; port: number; as: number };
  channels: BirdChannel[];
  /** IPv4 routes BIRD originates (`protocol static`, blackhole), exported over the ipv4 channel. */
  staticRoutes?: string[];
  /** NEXT_HOP BIRD puts on what it exports (gobgpd-style peers reject loopback next hops). */
  nextHop?: string;
  holdTime?: number;
}

export class BirdPeer extends Daemon<BirdOptions> {
  private constructor(
    options: BirdOptions,
    port: number,
    dir: string,
    child: ChildProcess,
    private readonly birdcPath: string,
  ) {
    super(options, port, dir, child);
  }

  private get socket(): string {
    return path.join(this.dir, 'bird.ctl');
  }

  static async start(o: BirdOptions): Promise<BirdPeer> {
    const bird = requireBinary('bird', 'bird2');
    const birdc = requireBinary('birdc', 'bird2');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skein-bird-'));
    const port = await freePort(o.address);
    writeFileSync(path.join(dir, 'bird.conf'), birdConfig(o, port));
    const child = spawn(
      bird,
      [
        '-f',
        '-c',
        path.join(dir, 'bird.conf'),
        '-s',
        path.join(dir, 'bird.ctl'),
        '-P',
        path.join(dir, 'bird.pid'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const peer = new BirdPeer(o, port, dir, child, birdc);
    await peer.ready(
      async () => (await peer.birdc('show status')).includes('Daemon is up') || undefined,
      'bird',
    );
    return peer;
  }

  config(): string {
    return readFileSync(path.join(this.dir, 'bird.conf'), 'utf8');
  }

  birdc(command: string): Promise<string> {
    return run(this.birdcPath, ['-s', this.socket, ...command.split(' ')]);
  }

  /** The BGP state of the session to the control node (`Established` when up). */
  async state(): Promise<string> {
    const out = await this.birdc('show protocols all cn');
    return /BGP state:\s+(\S+)/.exec(out)?.[1] ?? 'unknown';
  }

  /** `birdc show route all [table <t>]`, raw. */
  routes(table?: string): Promise<string> {
    return this.birdc(table ? `show route all table ${table}` : 'show route all');
  }

  async reloadIn(): Promise<void> {
    await this.birdc('reload in cn');
  }
}

/** Tables named after the channels: `master4`, `master6`, `vpntab4`, `vpntab6`. */
export const BIRD_TABLES: Record<BirdChannel, string> = {
  ipv4: 'master4',
  ipv6: 'master6',
  vpn4: 'vpntab4',
  vpn6: 'vpntab6',
};

function birdConfig(o: BirdOptions, port: number): string {
  const hold = o.holdTime ?? 9;
  const nh = o.nextHop ? ` next hop address ${o.nextHop};` : '';
  const channel = (c: BirdChannel) => {
    switch (c) {
      case 'ipv4':
        return `  ipv4 { import all; export all;${nh} };`;
      case 'ipv6':
        return '  ipv6 { import all; export all; };';
      case 'vpn4':
        return '  vpn4 mpls { table vpntab4; import all; export all; };';
      case 'vpn6':
        return '  vpn6 mpls { table vpntab6; import all; export all; };';
    }
  };
  return (
    [
      `router id ${o.routerId ?? o.address};`,
      'log stderr all;',
      'protocol device { }',
      'vpn4 table vpntab4;',
      'vpn6 table vpntab6;',
      ...(o.staticRoutes?.length
        ? [`protocol static s4 { ipv4; ${o.staticRoutes.map((r) => `route ${r} blackhole;`).join(' ')} }`]
        : []),
      'protocol bgp cn {',
      `  local ${o.address} port ${port} as ${o.as};`,
      `  neighbor ${o.neighbor.address} port ${o.neighbor.port} as ${o.neighbor.as};`,
      // REQUIRED on loopback (infra.md §6.2 gotcha 1).
      '  multihop 2;',
      `  hold time ${hold}; keepalive time ${Math.max(1, Math.floor(hold / 3))}; connect retry time 1; error wait time 1, 2;`,
      ...o.channels.map(channel),
      '}',
    ].join('\n') + '\n'
  );
}
