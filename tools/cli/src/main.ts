#!/usr/bin/env node
import { hostname } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import type { AllInOneOptions } from './all-in-one';
import { defaultDataDir } from './embedded-postgres';
import { describeStartupError } from './errors';

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0..65535');
  return n;
};

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
};

/** A count from the environment, or undefined; a bad value ends the command like a bad flag. */
function envCount(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  try {
    return count(v);
  } catch {
    fail(new Error(`${name}=${v}: expected a whole number >= 0`));
  }
}

function fail(e: unknown, flags: Record<string, string> = {}): never {
  process.stderr.write(`skein: ${describeStartupError(e, flags)}\n`);
  process.exit(1);
}

const kafkaBrokers = () => (process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : undefined);

/** Starts the services, prints their endpoints under `title`, and stops them on SIGINT/SIGTERM. */
async function serve(title: string, o: AllInOneOptions, flags: Record<string, string>): Promise<void> {
  const { startAllInOne } = await import('./all-in-one');
  let running;
  try {
    running = await startAllInOne(o);
  } catch (e) {
    fail(e, flags);
  }
  process.stdout.write(`${title}:\n`);
  for (const [k, v] of Object.entries(running.endpoints)) process.stdout.write(`  ${k.padEnd(10)} ${v}\n`);
  const shutdown = async () => {
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** The default BGP prefix limit from flags, else the environment; what neither sets is the control node's. */
function prefixLimit(maximum: number | undefined, idle: number | undefined) {
  return {
    maximum: maximum ?? envCount('SKEIN_BGP_PREFIX_LIMIT'),
    idleTimeout: idle ?? envCount('SKEIN_BGP_PREFIX_LIMIT_IDLE_TIMEOUT'),
  };
}

const program = new Command();
program.name('skein').description('Skein SDN control plane').showHelpAfterError();

program
  .command('all-in-one', { isDefault: true })
  .description('run every service in one process (embedded Postgres unless DATABASE_URL is set)')
  .option('--data-dir <dir>', 'where the embedded Postgres keeps its files', defaultDataDir())
  .option('--host <addr>', 'listen address', '127.0.0.1')
  .option('--api-port <n>', 'config REST API port', port, 8082)
  .option('--grpc-port <n>', 'config gRPC API port', port, 8090)
  .option('--bgp-port <n>', 'control node BGP port', port, 179)
  .option('--xmpp-port <n>', 'control node XMPP port (vRouter agents)', port, 5269)
  .option('--introspect-port <n>', 'control node introspect port', port, 8083)
  .option('--control-grpc-port <n>', 'control node gRPC Routes port (skein.control.v1.Routes)', port, 8084)
  .option(
    '--introspect-host <addr>',
    'introspect listen address; off loopback it needs an API admin token (env SKEIN_INTROSPECT_HOST)',
    process.env.SKEIN_INTROSPECT_HOST || '127.0.0.1',
  )
  .option(
    '--control-grpc-host <addr>',
    'gRPC Routes listen address; off loopback it needs an API admin token (env SKEIN_CONTROL_GRPC_HOST)',
    process.env.SKEIN_CONTROL_GRPC_HOST || '127.0.0.1',
  )
  .option(
    '--control-require-auth',
    'introspect and gRPC Routes need an API admin token on loopback too (env SKEIN_CONTROL_REQUIRE_AUTH=1)',
    process.env.SKEIN_CONTROL_REQUIRE_AUTH === '1' || undefined,
  )
  .option(
    '--bgp-prefix-limit <n>',
    'prefixes per family a BGP peer may send when its session sets no prefix_limit; 0 = no limit ' +
      '(default 1000000, env SKEIN_BGP_PREFIX_LIMIT)',
    count,
  )
  .option(
    '--bgp-prefix-limit-idle <s>',
    'seconds such a peer stays down after exceeding it (default 300, env SKEIN_BGP_PREFIX_LIMIT_IDLE_TIMEOUT)',
    count,
  )
  .option(
    '--control-node-name <name>',
    'the own bgp-router name (CONTROL_NODE_NAME)',
    process.env.CONTROL_NODE_NAME ?? hostname(),
  )
  .action((o) =>
    serve(
      'Skein is running',
      {
        dataDir: o.dataDir,
        host: o.host,
        apiPort: o.apiPort,
        grpcPort: o.grpcPort,
        control: {
          name: o.controlNodeName,
          bgpPort: o.bgpPort,
          xmppPort: o.xmppPort,
          introspectPort: o.introspectPort,
          grpcPort: o.controlGrpcPort,
          introspectHost: o.introspectHost,
          grpcHost: o.controlGrpcHost,
          requireAuth: o.controlRequireAuth,
          bgpPrefixLimit: prefixLimit(o.bgpPrefixLimit, o.bgpPrefixLimitIdle),
        },
        databaseUrl: process.env.DATABASE_URL || undefined,
        kafkaBrokers: kafkaBrokers(),
      },
      {
        [String(o.apiPort)]: '--api-port',
        [String(o.grpcPort)]: '--grpc-port',
        [String(o.bgpPort)]: '--bgp-port',
        [String(o.xmppPort)]: '--xmpp-port',
        [String(o.introspectPort)]: '--introspect-port',
        [String(o.controlGrpcPort)]: '--control-grpc-port',
      },
    ),
  );

program
  .command('api')
  .description(
    'run the config API alone (distributed mode); needs DATABASE_URL, runs the relay when KAFKA_BROKERS is set',
  )
  .option('--host <addr>', 'listen address', '127.0.0.1')
  .option('--api-port <n>', 'config REST API port', port, 8082)
  .option('--grpc-port <n>', 'config gRPC API port', port, 8090)
  .action(async (o) => {
    if (!process.env.DATABASE_URL)
      fail(
        new Error('DATABASE_URL is required for `skein api` (use `skein all-in-one` for the embedded store)'),
      );
    await serve(
      'Skein config API is running',
      {
        dataDir: '',
        host: o.host,
        apiPort: o.apiPort,
        grpcPort: o.grpcPort,
        databaseUrl: process.env.DATABASE_URL,
        kafkaBrokers: kafkaBrokers(),
      },
      { [String(o.apiPort)]: '--api-port', [String(o.grpcPort)]: '--grpc-port' },
    );
  });

program
  .command('agent-sim')
  .description('simulated vRouter agents speaking XMPP to a control node (see tools/agent-sim)')
  .allowUnknownOption()
  .helpOption(false)
  .action(async () => {
    const { runAgentSimCli } = await import('@skein/agent-sim');
    const i = process.argv.indexOf('agent-sim');
    process.exitCode = await runAgentSimCli(process.argv.slice(i + 1));
  });

const store = program.command('store').description('store maintenance');
store
  .command('rebuild')
  .description('replay config_events into fresh tables and fail if they differ from the live tables')
  .option(
    '--data-dir <dir>',
    'the embedded store to check when DATABASE_URL is not set (stop all-in-one first)',
    defaultDataDir(),
  )
  .option('--keep', 'keep the rebuilt tables in a skein_rebuild_<x> schema for inspection')
  .option('--json', 'print the report as JSON')
  .action(async (o) => {
    const { runRebuild } = await import('./rebuild');
    process.exitCode = await runRebuild({
      databaseUrl: process.env.DATABASE_URL || undefined,
      dataDir: o.dataDir,
      keep: o.keep,
      json: o.json,
    });
  });

const token = program.command('token').description('API tokens');
token
  .command('issue')
  .description('issue an HS256 token (from the store when DATABASE_URL is set, else from a running API)')
  .requiredOption('--user <name>', 'user name (the token subject)')
  .option('--project <uuid>', 'project id the token acts in')
  .option('--domain <uuid>', 'domain id')
  .option('--roles <list>', 'comma list of roles', 'member')
  .option('--actor <name>', 'event actor name (controllers)')
  .option('--ttl <seconds>', 'lifetime', (v) => Number(v), 3600)
  .option('--api <url>', 'API to ask when DATABASE_URL is not set', 'http://127.0.0.1:8082')
  .action(async (o) => {
    const { issueToken } = await import('./token');
    try {
      const t = await issueToken(
        {
          user: o.user,
          project_id: o.project,
          domain_id: o.domain,
          roles: String(o.roles).split(',').filter(Boolean),
          actor: o.actor,
          ttl_s: o.ttl,
        },
        {
          databaseUrl: process.env.DATABASE_URL || undefined,
          api: o.api,
          adminToken: process.env.SKEIN_TOKEN,
        },
      );
      process.stdout.write(`${t.token}\n`);
      process.stderr.write(`expires at ${t.expires_at}\n`);
    } catch (e) {
      fail(e);
    }
  });

program.parseAsync(process.argv).catch((e) => fail(e));
