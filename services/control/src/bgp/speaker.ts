import net from 'node:net';
import { ceasePeerDeconfigured, type NotificationMessage } from '@skein/bgp';
import type { PeerChange } from '../rib';
import type { BgpConfig } from '../config/types';
import { closeServer, listen, plainAddress } from '../listener';
import { Neighbor, type EncodedBatches, type NeighborHost } from './neighbor';

/**
 * The BGP side of the node: the listener, and one `Neighbor` per configured session. Accepted connections
 * are matched to a neighbour by source address (as TF, BIRD and gobgpd do); anything else is closed.
 */
export class BgpSpeaker {
  private server: net.Server | undefined;
  private readonly neighbors = new Map<string, Neighbor>();

  constructor(private readonly host: NeighborHost) {}

  async listen(host: string, port: number): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    server.on('error', (err) => this.host.log('warn', 'BGP listener error', { err: String(err) }));
    const bound = await listen(server, host, port);
    this.server = server;
    return bound;
  }

  all(): IterableIterator<Neighbor> {
    return this.neighbors.values();
  }

  get upCount(): number {
    let n = 0;
    for (const x of this.neighbors.values()) if (x.established) n++;
    return n;
  }

  /** Applies the peer set: new sessions start, removed ones stop (Cease 6/3), changed ones reconfigure. */
  configure(bgp: BgpConfig): void {
    const wanted = bgp.own === undefined || bgp.own.adminDown ? new Map() : bgp.peers;
    for (const [name, n] of [...this.neighbors]) {
      if (!wanted.has(name)) {
        n.remove();
        this.neighbors.delete(name);
      }
    }
    for (const [name, cfg] of wanted) {
      const n = this.neighbors.get(name);
      if (n === undefined) {
        const created = new Neighbor(this.host, cfg);
        this.neighbors.set(name, created);
        created.start();
      } else {
        n.reconfigure(cfg);
      }
    }
  }

  /** Rib output for BGP peers. */
  send(changes: readonly PeerChange[]): void {
    const encoded: EncodedBatches = new Map();
    for (const c of changes) this.each(c.peer, (n) => n.sendBatches(c.batches, encoded));
  }

  endOfRib(peer: string): void {
    this.each(peer, (n) => n.sendEndOfRib());
  }

  /** Output for one neighbour; a fault there is logged and spares the others (and the flush). */
  private each(peer: string, fn: (n: Neighbor) => void): void {
    const n = this.neighbors.get(peer);
    if (n === undefined) return;
    try {
      fn(n);
    } catch (err) {
      this.host.log('warn', 'BGP output fault', {
        peer,
        err: err instanceof Error ? err.stack : String(err),
      });
    }
  }

  /** Every session down with `notification` and every neighbour forgotten (the Rib is being replaced). */
  reset(notification: NotificationMessage): void {
    for (const n of this.neighbors.values()) n.stop(notification);
    this.neighbors.clear();
  }

  async close(): Promise<void> {
    for (const n of this.neighbors.values()) n.stop(ceasePeerDeconfigured());
    this.neighbors.clear();
    const s = this.server;
    this.server = undefined;
    if (s !== undefined) await closeServer(s);
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    const from = plainAddress(socket.remoteAddress);
    for (const n of this.neighbors.values()) {
      if (n.cfg.address === from) {
        try {
          n.accept(socket);
        } catch (err) {
          // Last resort: a fault taking the connection ends it, not the listener or the process.
          this.host.log('warn', 'BGP connection fault on accept', { from, err: String(err) });
          socket.destroy();
        }
        return;
      }
    }
    this.host.log('info', 'BGP connection from an unknown address closed', { from });
    socket.destroy();
  }
}
