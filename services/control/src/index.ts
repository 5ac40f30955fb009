/**
 * @skein/control — the control node (routing.md Parts B–E): config events in, XMPP agents and BGP peers on
 * sockets, the Rib (`./rib`) in the middle, introspect on HTTP.
 */
import type { RunningConsumer } from '@skein/bus';
import { startConfigFeed } from './config/consumer';
import { ControlNode, type ControlNodeOptions } from './control-node';
import { DEFAULT_CONTROL_GRPC_PORT, RoutesGrpcServer } from './grpc/routes';
import { DEFAULT_CONTROL_READ_HOST } from './introspect/auth';
import { IntrospectServer } from './introspect/server';

export { ControlNode, DEFAULT_BGP_PREFIX_LIMIT } from './control-node';
export type { ControlNodeOptions, Endpoint, Logger, ReadEndpoint } from './control-node';
export { DEFAULT_CONTROL_READ_HOST, apiAdmins, isLoopback } from './introspect/auth';
export type { Authorize, AuthVerdict, IdentifyingService, RequestHeaders } from './introspect/auth';
export { ConfigView } from './config/view';
export type { BgpConfig, ConfigDelta, GlobalSettings, OwnRouter, PeerConfig } from './config/types';
export { KafkaRouteEventSink, MemoryRouteEventSink } from './events/route-events';
export type { RouteEventSink, RouteRecord } from './events/route-events';
export type { NeighborView } from './introspect/views';
export { RouteFeed } from './events/route-feed';
export {
  DEFAULT_CONTROL_GRPC_PORT,
  ROUTES_PROTO_LOADER_OPTIONS,
  ROUTES_PROTO_PATH,
  ROUTES_SERVICE_NAME,
} from './grpc/routes';

export interface RunningControlNode {
  /** `grpc` only when `options.grpc` was given. */
  ports: { bgp: number; xmpp: number; introspect: number; grpc?: number };
  node: ControlNode;
  /** Highest config seq applied. */
  readonly configSeq: number;
  /** Resolves once config up to `seq` is applied (tests: after a write, wait for its X-Skein-Seq). */
  waitForConfig(seq: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a control node: replays `config.events` up to the head it finds at start (so the first agents and
 * peers see a complete configuration), then opens BGP, XMPP, introspect and (with `grpc`) the gRPC Routes
 * service. Ports 0 pick free ports.
 */
export async function startControlNode(o: ControlNodeOptions): Promise<RunningControlNode> {
  const node = new ControlNode(o);
  const read = (e: { requireAuth?: boolean }) => ({ requireAuth: e.requireAuth, authorize: o.authorize });
  const introspect = new IntrospectServer(node, read(o.introspect));
  const grpc = o.grpc !== undefined ? new RoutesGrpcServer(node, read(o.grpc)) : undefined;
  let consumer: RunningConsumer | undefined;
  try {
    const head = await o.events.headSeq();
    consumer = await startConfigFeed({
      log: o.events,
      positions: o.positions,
      name: o.name,
      apply: (batch) => node.applyConfig(batch),
      onError: (err) =>
        node.log('warn', 'config feed failed; replaying from the last applied seq', { err: err.message }),
    });
    await consumer.waitFor(head, 120_000);
    const ports: RunningControlNode['ports'] = {
      bgp: await node.bgp.listen(o.bgp.host, o.bgp.port),
      xmpp: await node.xmpp.listen(o.xmpp.host, o.xmpp.port),
      introspect: await introspect.listen(o.introspect.host ?? DEFAULT_CONTROL_READ_HOST, o.introspect.port),
    };
    if (grpc !== undefined)
      ports.grpc = await grpc.listen(
        o.grpc!.host ?? DEFAULT_CONTROL_READ_HOST,
        o.grpc!.port ?? DEFAULT_CONTROL_GRPC_PORT,
      );
    const feed = consumer;
    return {
      ports,
      node,
      get configSeq() {
        return feed.position;
      },
      waitForConfig: (seq, timeoutMs = 10_000) => feed.waitFor(seq, timeoutMs),
      async close() {
        await feed.stop();
        await grpc?.close();
        await introspect.close();
        await node.close();
      },
    };
  } catch (err) {
    await consumer?.stop().catch(() => undefined);
    await grpc?.close().catch(() => undefined);
    await introspect.close().catch(() => undefined);
    await node.close().catch(() => undefined);
    throw err;
  }
}
