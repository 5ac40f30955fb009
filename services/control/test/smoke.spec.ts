import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Lab, soon, type Vn } from './harness';
import type { Plan, Report } from './smoke-fleet';

// routing.md Part F 48: 100 agents × 10 RIs × 100 routes converge in < 30 s on 2 cores, and control.routes
// gets one add per path. The agents (AgentFleet) run in a child process, the control node here.
const RIS = 10;
const AGENTS_PER_RI = 10;
const ROUTES_PER_AGENT = 100;
const PATHS = RIS * AGENTS_PER_RI * ROUTES_PER_AGENT;
const REPO = path.resolve(__dirname, '../../..');

describe('smoke: 100 agents × 10 RIs × 100 routes (Part F 48)', () => {
  let lab: Lab;
  let child: ChildProcess | undefined;
  const vns: Vn[] = [];

  beforeAll(async () => {
    // Agent names need no virtual-router here: 100 config writes would only slow the setup.
    lab = await Lab.start({ node: { xmpp: { host: '127.0.0.1', port: 0, requireVirtualRouter: false } } });
    for (let r = 0; r < RIS; r++) vns.push(await lab.createVn(`smoke${r}`));
    await lab.sync();
  });
  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.stdin?.end();
      const t = setTimeout(() => child!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await lab?.close();
  });

  it('every agent has every route of its RI within 30 s; one control.routes add per path', async () => {
    const plan: Plan = {
      control: lab.xmppAddress,
      ris: vns.map((v) => ({ ri: v.ri, vn: v.fq.join(':') })),
      agentsPerRi: AGENTS_PER_RI,
      routesPerAgent: ROUTES_PER_AGENT,
      timeoutMs: 60_000,
    };
    const t0 = Date.now();
    child = spawn(
      process.execPath,
      [
        '-r',
        path.join(REPO, 'libs/bus/bin/ts-register.js'),
        path.join(__dirname, 'smoke-fleet.ts'),
        JSON.stringify(plan),
      ],
      { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const report = await new Promise<Report>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once('line', (l) => resolve(JSON.parse(l) as Report));
      child!.once('exit', (code) => reject(new Error(`fleet process exited with ${code}`)));
    });
    if (report.error !== undefined) throw new Error(report.error);
    const once = RIS * AGENTS_PER_RI * (AGENTS_PER_RI - 1) * ROUTES_PER_AGENT;
    console.log(
      `Part F 48: ${RIS * AGENTS_PER_RI} agents × ${RIS} RIs × ${ROUTES_PER_AGENT} routes converged in ` +
        `${report.convergedMs} ms (fleet start to last route; ${Date.now() - t0} ms with the process start); ` +
        `${report.reachReceived} route items received for ${once} routes`,
    );
    expect(report.wrong).toEqual([]);
    expect(report.reachReceived).toBeGreaterThanOrEqual(once);
    expect(report.convergedMs).toBeLessThan(30_000);

    // Agent paths, plus one RTC membership route per RI the control node originates (bgp.rtarget.0).
    const fromAgents = await soon(() => {
      const r = lab.routes.records.filter((x) => x.value['kind'] === 'route' && x.value['source'] === 'xmpp');
      return r.length >= PATHS ? r : undefined;
    }, 'control.routes adds');
    const routeRecords = lab.routes.records.filter((x) => x.value['kind'] === 'route');
    const perPath = new Map<string, number>();
    for (const r of routeRecords) {
      const k = `${r.value['op']} ${r.value['table']} ${r.value['prefix']} ${r.value['peer']}`;
      perPath.set(k, (perPath.get(k) ?? 0) + 1);
    }
    expect([...perPath.values()].every((n) => n === 1)).toBe(true);
    expect(routeRecords.every((r) => r.value['op'] === 'add')).toBe(true);
    expect(fromAgents.length).toBe(PATHS);
    expect(new Set(fromAgents.map((r) => r.key))).toEqual(new Set(vns.map((v) => v.ri)));
    expect(routeRecords.filter((r) => r.value['source'] !== 'xmpp').map((r) => r.value['table'])).toEqual(
      Array(RIS).fill('bgp.rtarget.0'),
    );
  }, 120_000);
});
