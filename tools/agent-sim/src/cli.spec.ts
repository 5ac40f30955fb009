import { offsetPrefix, parseCliArgs, runAgentSimCli } from './cli';
import { FakeControlNode, waitUntil } from './testing/fake-control-node';

const BLUE = 'default-domain:p1:blue:blue';

test('runs a fleet from flags, prints learned routes as JSON lines and a summary when stopped', async () => {
  const cn = await FakeControlNode.start({ reflect: true });
  const lines: string[] = [];
  const stop = new AbortController();
  const run = runAgentSimCli(
    [
      '--control',
      cn.address,
      '--name',
      'cli',
      '--count',
      '2',
      '--hold-time',
      '3',
      '--subscribe',
      `${BLUE}:3`,
      '--interface',
      `${BLUE},10.1.1.3/32,21`,
    ],
    { stdout: { write: (s: string) => lines.push(...s.trimEnd().split('\n')) }, signal: stop.signal },
  );
  try {
    const parsed = () => lines.map((l) => JSON.parse(l));
    // Agent 0 publishes 10.1.1.3, agent 1 the next address; each learns the other's.
    await waitUntil(
      () =>
        parsed().some(
          (l) =>
            l.event === 'route' &&
            l.agent === 'cli-1' &&
            l.prefix === '10.1.1.3/32' &&
            l.nextHops?.[0]?.address === '192.0.2.1',
        ),
      5000,
      'cli-1 learning 10.1.1.3/32',
    );
    await waitUntil(() =>
      parsed().some((l) => l.event === 'route' && l.agent === 'cli-0' && l.prefix === '10.1.1.4/32'),
    );
    expect(cn.session('cli-0')!.subscriptions.get(BLUE)).toMatchObject({ instanceId: 3 });
    expect(parsed()).toContainEqual({ event: 'established', agent: 'cli-0' });
    expect(parsed()).toContainEqual({
      event: 'route',
      agent: 'cli-1',
      ri: BLUE,
      family: 'inet',
      prefix: '10.1.1.3/32',
      op: 'add',
      stale: false,
      nextHops: [{ address: '192.0.2.1', label: 21, encapsulation: 'gre' }],
    });
  } finally {
    stop.abort();
    expect(await run).toBe(0);
    await cn.stop();
  }
  const summary = JSON.parse(lines.at(-1)!);
  expect(summary).toMatchObject({
    event: 'summary',
    agents: 2,
    states: { established: 2 },
    counters: { established: 2, reachSent: 2 },
  });
  // Each agent: its own interface (local) plus the other's route.
  expect(summary.routes).toBe(4);
});

test('bad flags are a usage error with exit code 2', async () => {
  const err: string[] = [];
  const io = { stderr: { write: (s: string) => err.push(s) }, stdout: { write: () => true } };
  expect(await runAgentSimCli(['--bogus'], io)).toBe(2);
  expect(await runAgentSimCli(['--subscribe', 'blue'], io)).toBe(2);
  expect(await runAgentSimCli(['--interface', 'blue,10.1.1.300/32,5'], io)).toBe(2);
  expect(await runAgentSimCli(['--count', '2', '--address', '192.0.2.9'], io)).toBe(2);
  expect(await runAgentSimCli(['--control', 'nohost'], io)).toBe(2);
  expect(err.join('')).toMatch(/usage: skein agent-sim/);
});

test('flag parsing', () => {
  expect(
    parseCliArgs(['--subscribe', `${BLUE}:3`, '--interface', `${BLUE},fd00::3/128,22`, '--hold-time', '3']),
  ).toMatchObject({
    control: '127.0.0.1:5269',
    subscribe: [{ ri: BLUE, instanceId: 3 }],
    interfaces: [{ ri: BLUE, prefix: 'fd00::3/128', label: 22 }],
    holdTimeMs: 3000,
  });
  expect(parseCliArgs(['--help'])).toBe('help');
  expect(() => parseCliArgs(['--hold-time', '91'])).toThrow(/1\.\.90/);
  expect(
    parseCliArgs([
      '--tls-cert',
      'a.pem',
      '--tls-key',
      'a.key',
      '--tls-ca',
      'ca.pem',
      '--local-address',
      '127.0.0.9',
    ]),
  ).toMatchObject({
    tls: { cert: 'a.pem', key: 'a.key', ca: 'ca.pem' },
    localAddress: '127.0.0.9',
  });
  expect(() => parseCliArgs(['--tls-cert', 'a.pem'])).toThrow(/go together/);
  expect(() => parseCliArgs(['--local-address', 'nowhere'])).toThrow(/not an address/);
});

test('generated agents publish successive prefix blocks', () => {
  expect(offsetPrefix('10.1.1.3/32', 2)).toBe('10.1.1.5/32');
  expect(offsetPrefix('10.1.1.255', 1)).toBe('10.1.2.0/32');
  expect(offsetPrefix('10.1.0.0/24', 3)).toBe('10.1.3.0/24');
  expect(offsetPrefix('fd00::ffff/128', 1)).toBe('fd00::1:0/128');
  expect(() => offsetPrefix('255.255.255.255/32', 1)).toThrow(/address space/);
});
