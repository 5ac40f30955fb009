import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { PgPositionStore, PgTailEventLog, Relay } from '@skein/bus';
import {
  DEFAULT_CONTROL_READ_HOST,
  apiAdmins,
  startControlNode,
  type ControlNodeOptions,
} from '@skein/control';
import { Db } from '@skein/store';
import { API_MIGRATIONS, startApiServer, startGrpcServer } from '@skein/api';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

export interface AllInOneOptions {
  dataDir: string;
  host: string;
  apiPort: number;
  grpcPort: number;
  /** The control node's listeners; undefined runs the config API alone (`skein api`). */
  control?: {
    name: string;
    bgpPort: number;
    xmppPort: number;
    introspectPort: number;
    grpcPort: number;
    /** Introspect and gRPC Routes hosts: loopback unless given; elsewhere they need an API admin token. */
    introspectHost?: string;
    grpcHost?: string;
    /** Require that token on loopback too (other users of this host); default: only off loopback. */
    requireAuth?: boolean;
    /** Prefix limit of BGP sessions that configure none (maximum 0: none). */
    bgpPrefixLimit?: { maximum?: number; idleTimeout?: number };
    /** Agent checks: address verification, header timeout, TLS with client certificates (issue 7). */
    xmpp?: Omit<ControlNodeOptions['xmpp'], 'host' | 'port'>;
  };
  databaseUrl?: string;
  kafkaBrokers?: string[];
}

export interface Running {
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Every service in one process: the store (Postgres at DATABASE_URL, or embedded PGlite), the event log
 * (Kafka when KAFKA_BROKERS is set, with the relay publishing config_events; otherwise the table itself)
 * and the API. Later services add themselves here.
 */
export async function startAllInOne(o: AllInOneOptions, log = pino({ name: 'skein' })): Promise<Running> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let url = o.databaseUrl;
    let embedded: EmbeddedPostgres | undefined;
    if (!url) {
      embedded = await startEmbeddedPostgres(o.dataDir);
      stops.push(() => embedded!.close());
      url = embedded.url;
      log.info({ dataDir: o.dataDir }, 'embedded Postgres (PGlite) started');
    }
    const db = await Db.open({
      url,
      migrations: API_MIGRATIONS,
      poolSize: 16,
      ...embedded?.dbOptions,
      applicationName: 'skein-all-in-one',
      onConnectionError: (e) => log.warn({ err: e.message }, 'store connection lost; the pool reconnects'),
    });
    stops.push(() => db.close());
    const events = new PgTailEventLog({
      connection: url,
      pool: embedded ? db.pool : undefined,
      onError: (e) => log.warn({ err: e.message }, 'event log'),
    });
    stops.push(() => events.close());
    const endpoints: Record<string, string> = {};
    if (o.kafkaBrokers?.length) {
      const kafka = new Kafka({
        clientId: 'skein-relay',
        brokers: o.kafkaBrokers,
        logLevel: logLevel.NOTHING,
      });
      const relay = new Relay({
        connection: url,
        kafka,
        logger: { info: (m, f) => log.info(f ?? {}, m), error: (m, f) => log.error(f ?? {}, m) },
      });
      await relay.start();
      stops.push(() => relay.stop());
      endpoints.kafka = `${o.kafkaBrokers.join(',')} (topic config.events)`;
    }
    const api = await startApiServer({
      db,
      events,
      port: o.apiPort,
      host: o.host,
      batching: embedded ? false : undefined,
    });
    stops.push(() => api.close());
    endpoints.api = `http://${o.host}:${api.port}`;
    endpoints.docs = `http://${o.host}:${api.port}/docs`;
    endpoints.metrics = `http://${o.host}:${api.port}/metrics`;
    const grpc = await startGrpcServer({
      svc: api.svc,
      auth: api.auth,
      events,
      port: o.grpcPort,
      host: o.host,
      hrefBase: endpoints.api,
    });
    stops.push(() => grpc.close());
    endpoints.grpc = `${o.host}:${grpc.port}`;
    if (o.control) {
      const kafka = o.kafkaBrokers?.length
        ? new Kafka({ clientId: 'skein-control', brokers: o.kafkaBrokers, logLevel: logLevel.NOTHING })
        : undefined;
      const introspectHost = o.control.introspectHost ?? DEFAULT_CONTROL_READ_HOST;
      const grpcHost = o.control.grpcHost ?? DEFAULT_CONTROL_READ_HOST;
      const control = await startControlNode({
        events,
        positions: new PgPositionStore(db),
        name: o.control.name,
        bgp: { host: o.host, port: o.control.bgpPort, defaultPrefixLimit: o.control.bgpPrefixLimit },
        xmpp: { ...o.control.xmpp, host: o.host, port: o.control.xmppPort },
        introspect: {
          host: introspectHost,
          port: o.control.introspectPort,
          requireAuth: o.control.requireAuth,
        },
        grpc: { host: grpcHost, port: o.control.grpcPort, requireAuth: o.control.requireAuth },
        // Off loopback, introspect and Routes answer the API's admins only (issue 7 item 9).
        authorize: apiAdmins(api.auth),
        kafka,
        logger: log,
      });
      stops.push(() => control.close());
      endpoints.bgp = `${o.host}:${control.ports.bgp} (control node ${o.control.name})`;
      endpoints.xmpp = `${o.host}:${control.ports.xmpp}`;
      endpoints.introspect = `http://${introspectHost}:${control.ports.introspect}`;
      endpoints.routes = `${grpcHost}:${control.ports.grpc} (gRPC skein.control.v1.Routes)`;
    }
    endpoints.store = embedded ? `embedded PGlite in ${o.dataDir}` : url.replace(/:[^:@/]+@/, ':***@');
    return { endpoints, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
