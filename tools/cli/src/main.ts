#!/usr/bin/env node
import { readFileSync } from 'node:fs';
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

/**
 * XMPP agent checks from flags, else the environment (TF's names: xmpp_auth_enable, xmpp_server_cert,
 * xmpp_server_key, xmpp_ca_cert). TLS needs all three files; a missing or unreadable one ends the command.
 */
function xmppOptions(o: Record<string, string | boolean | number | undefined>) {
  const env = process.env;
  const mode = (o.xmppVerifyAddress as string | undefined) ?? (env.SKEIN_XMPP_VERIFY_ADDRESS || undefined);
  if (mode !== undefined && !['always', 'except-loopback', 'never'].includes(mode))
    fail(new Error(`--xmpp-verify-address ${mode}: expected always, except-loopback or never`));
  const headerTimeout = (o.xmppHeaderTimeout as number | undefined) ?? envCount('SKEIN_XMPP_HEADER_TIMEOUT');
  const out: {
    verifyAddress?: 'always' | 'except-loopback' | 'never';
    headerTimeout?: number;
    tls?: { cert: Buffer; key: Buffer; ca: Buffer };
  } = {};
  if (mode !== undefined) out.verifyAddress = mode as 'always';
  if (headerTimeout !== undefined) out.headerTimeout = Math.max(1, headerTimeout);
  if (o.xmppAuthEnable || env.SKEIN_XMPP_AUTH_ENABLE === '1') {
    const file = (flag: string, value: unknown, envName: string): Buffer => {
      const path = (value as string | undefined) ?? env[envName];
      if (!path) fail(new Error(`--xmpp-auth-enable needs ${flag} (or ${envName})`));
      try {
        return readFileSync(path);
      } catch (e) {
        fail(new Error(`${flag} ${path}: ${(e as Error).message}`));
      }
    };
    out.tls = {
      cert: file('--xmpp-server-cert', o.xmppServerCert, 'SKEIN_XMPP_SERVER_CERT'),
      key: file('--xmpp-server-key', o.xmppServerKey, 'SKEIN_XMPP_SERVER_KEY'),
      ca: file('--xmpp-ca-cert', o.xmppCaCert, 'SKEIN_XMPP_CA_CERT'),
    };
  }
  return out;
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
    '--xmpp-verify-address <mode>',
    "accept an agent only from its virtual-router's address: always, except-loopback (default), never " +
      '(env SKEIN_XMPP_VERIFY_ADDRESS)',
  )
  .option(
    '--xmpp-header-timeout <s>',
    'seconds from accept to an agent stream header (default 10, env SKEIN_XMPP_HEADER_TIMEOUT)',
    count,
  )
  .option(
    '--xmpp-auth-enable',
    'agents must STARTTLS with a client certificate naming them, signed by --xmpp-ca-cert ' +
      '(env SKEIN_XMPP_AUTH_ENABLE=1)',
  )
  .option('--xmpp-server-cert <file>', 'PEM certificate of the XMPP server (env SKEIN_XMPP_SERVER_CERT)')
  .option('--xmpp-server-key <file>', 'PEM key of the XMPP server (env SKEIN_XMPP_SERVER_KEY)')
  .option('--xmpp-ca-cert <file>', 'PEM CA that signs agent certificates (env SKEIN_XMPP_CA_CERT)')
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
          xmpp: xmppOptions(o),
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
