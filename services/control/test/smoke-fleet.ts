/**
 * The agent side of smoke.spec.ts (Part F 48), run as its own process so agents and control node each have
 * a core, as on a real 2-core box; in one Jest worker the agents' XML parsing alone takes most of a core.
 *
 * `node -r libs/bus/bin/ts-register.js smoke-fleet.ts '<json Plan>'`: prints one JSON line (Report) once
 * every agent has every route of its RI, then keeps the sessions up until stdin closes.
 */
import { AgentFleet, testNetAddress } from '@skein/agent-sim';

export interface Plan {
  control: string;
  /** Primary RI and VN fq name per RI. */
  ris: { ri: string; vn: string }[];
  agentsPerRi: number;
  routesPerAgent: number;
  timeoutMs: number;
}

export interface Report {
  convergedMs?: number;
  reachReceived?: number;
  /** Routes at the wrong next hop or label (the first few). */
  wrong?: string[];
  error?: string;
}

/** Agent i serves RI i % RIs as its j = floor(i / RIs)-th agent and publishes 10.<ri>.<j>.1 … .<routes>. */
export const agentAddress = (i: number) => testNetAddress(i);
export const routeLabel = (j: number, k: number, routesPerAgent: number) => 16 + j * routesPerAgent + k;

async function main(plan: Plan): Promise<Report> {
  const n = plan.ris.length;
  const perRi = plan.agentsPerRi * plan.routesPerAgent;
  const fleet = new AgentFleet({ control: plan.control, holdTimeMs: 60_000, reconnect: false });
  process.stdin.on('end', () => void fleet.stop().then(() => process.exit(0)));
  process.stdin.resume();
  for (let i = 0; i < n * plan.agentsPerRi; i++) {
    const { ri, vn } = plan.ris[i % n]!;
    const a = fleet.add({ name: `smoke-${i}`, address: agentAddress(i) });
    a.subscribe(ri, 1);
    const j = Math.floor(i / n);
    for (let k = 0; k < plan.routesPerAgent; k++) {
      a.addInterface({
        uuid: `vmi-${i}-${k}`,
        ri,
        address: `10.${i % n}.${j}.${k + 1}`,
        label: routeLabel(j, k, plan.routesPerAgent),
        vn,
      });
    }
  }
  const t0 = Date.now();
  fleet.start();
  await fleet.waitUntil(
    (f) => f.agents.every((a) => a.routeCount === perRi),
    plan.timeoutMs,
    'every agent has its RI’s routes',
    100,
  );
  const convergedMs = Date.now() - t0;
  const wrong: string[] = [];
  fleet.agents.forEach((a, i) => {
    const j = Math.floor(i / n);
    for (const e of a.routes(plan.ris[i % n]!.ri)) {
      const [, , jj, kk] = e.prefix.split(/[./]/).map(Number) as [number, number, number, number];
      if (jj === j) continue; // its own interface
      const hop = e.nextHops[0];
      const ok =
        e.nextHops.length === 1 &&
        hop!.address === agentAddress(jj * n + (i % n)) &&
        hop!.label === routeLabel(jj, kk - 1, plan.routesPerAgent);
      if (!ok && wrong.length < 5) wrong.push(`${a.name} ${e.prefix} ${JSON.stringify(e.nextHops)}`);
    }
  });
  return { convergedMs, reachReceived: fleet.counters().reachReceived, wrong };
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]!) as Plan).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err) => process.stdout.write(`${JSON.stringify({ error: String(err) })}\n`),
  );
}
