import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from '@skein/agent-sim';
import { encodeAgentStreamHeader } from '@skein/xmpp';
import { Lab, soon, type Vn } from './harness';

// Issue 7 item 6: TF's XMPP authentication (xmpp_auth_enable). STARTTLS inside the stream, a client
// certificate signed by the CA and naming the agent; anything else is refused and nothing comes up.

interface Pem {
  cert: string;
  key: string;
}

/** A throwaway CA and certificates, made with Debian's openssl. */
class Pki {
  private readonly dir = mkdtempSync(join(tmpdir(), 'skein-xmpp-tls-'));
  private serial = 1;

  constructor(readonly caName: string) {
    this.run([
      'req',
      '-x509',
      ...this.keyArgs('ca'),
      '-out',
      this.path('ca.pem'),
      '-days',
      '1',
      '-subj',
      `/CN=${caName}`,
    ]);
  }

  get ca(): string {
    return readFileSync(this.path('ca.pem'), 'utf8');
  }

  issue(cn: string): Pem {
    const base = `c${this.serial++}`;
    this.run(['req', ...this.keyArgs(base), '-out', this.path(`${base}.csr`), '-subj', `/CN=${cn}`]);
    this.run([
      'x509',
      '-req',
      '-in',
      this.path(`${base}.csr`),
      '-CA',
      this.path('ca.pem'),
      '-CAkey',
      this.path('ca.key'),
      '-set_serial',
      String(this.serial),
      '-days',
      '1',
      '-out',
      this.path(`${base}.pem`),
    ]);
    return {
      cert: readFileSync(this.path(`${base}.pem`), 'utf8'),
      key: readFileSync(this.path(`${base}.key`), 'utf8'),
    };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private keyArgs(base: string): string[] {
    return [
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      this.path(`${base}.key`),
    ];
  }

  private path(f: string): string {
    return join(this.dir, f);
  }

  private run(args: string[]): void {
    execFileSync('openssl', args, { stdio: 'ignore' });
  }
}

describe('XMPP over TLS with client certificates (issue 7 item 6)', () => {
  let lab: Lab;
  let blue: Vn;
  let pki: Pki;
  let other: Pki;
  const session = (name: string) => [...lab.cn.node.xmpp.all()].find((s) => s.name === name);
  const agent = async (name: string, address: string, tls: Pem & { ca?: string }): Promise<Agent> => {
    const a = await lab.agent(name, address, {
      localAddress: address,
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca ?? pki.ca },
      reconnect: false,
    });
    a.subscribe(blue.ri, 1);
    a.start();
    return a;
  };

  beforeAll(async () => {
    pki = new Pki('skein-test-ca');
    other = new Pki('someone-else');
    const server = pki.issue('control-node');
    lab = await Lab.start({
      node: {
        xmpp: {
          host: '127.0.0.1',
          port: 0,
          verifyAddress: 'always',
          headerTimeout: 5,
          tls: { cert: server.cert, key: server.key, ca: pki.ca },
        },
      },
    });
    blue = await lab.createVn('blue');
  });
  afterAll(async () => {
    await lab?.close();
    pki?.remove();
    other?.remove();
  });

  it('an agent with a certificate naming it comes up over STARTTLS and gets routes', async () => {
    const a = await agent('tls-a', '127.0.0.51', pki.issue('tls-a'));
    const b = await agent('tls-b', '127.0.0.52', pki.issue('tls-b'));
    a.addInterface({
      uuid: 'vmi-tls-a',
      ri: blue.ri,
      address: '10.1.1.51',
      label: 51,
      vn: blue.fq.join(':'),
    });
    await b.waitForRoute(blue.ri, '10.1.1.51/32');
    expect(session('tls-a')).toMatchObject({ established: true, certified: true });
  });

  it("another agent's certificate, another CA's, or none: refused, nothing comes up", async () => {
    const wrongName = await agent('tls-c', '127.0.0.53', pki.issue('tls-a'));
    const wrongCa = await agent('tls-d', '127.0.0.54', other.issue('tls-d'));
    await soon(() => wrongName.state === 'stopped' || undefined, 'tls-c refused');
    expect(wrongName.lastDown).toMatchObject({ kind: 'stream-error-received', condition: 'not-authorized' });
    await soon(() => wrongCa.state === 'stopped' || undefined, 'tls-d refused');
    // The handshake itself fails: TLS alert, no stream.
    expect(wrongCa.lastDown?.kind).toMatch(/^(socket-error|peer-closed)$/);

    // A plain client that ignores the required STARTTLS is cut off before it is an agent.
    await lab.createVirtualRouter('tls-e', '127.0.0.55');
    await lab.sync();
    const plain = net.connect({ host: '127.0.0.1', port: lab.cn.ports.xmpp, localAddress: '127.0.0.55' });
    let received = '';
    plain.on('data', (d) => (received += d.toString()));
    plain.on('error', () => undefined);
    plain.write(encodeAgentStreamHeader('tls-e'));
    await soon(() => received.includes('<starttls') || undefined, 'STARTTLS offered');
    plain.write(
      `<iq type='set' id='s'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='${blue.ri}'/></pubsub></iq>`,
    );
    await soon(() => /<stream:error><policy-violation/.test(received) || undefined, 'policy-violation');
    plain.destroy();

    // Never up on the node: no session, and no up/down ever counted for the names.
    for (const n of ['tls-c', 'tls-d', 'tls-e']) {
      expect(session(n)).toBeUndefined();
      expect(lab.cn.node.xmpp.flaps(n)).toBe(0);
    }
  });

  it('with TLS the certificate is the proof: the same agent from another address replaces its session', async () => {
    const cert = pki.issue('tls-f');
    const first = await agent('tls-f', '127.0.0.56', cert);
    await soon(() => session('tls-f')?.established, 'tls-f up');
    const before = session('tls-f');
    const again = lab.newAgent('tls-f', '127.0.0.57', {
      localAddress: '127.0.0.57',
      tls: { ...cert, ca: pki.ca },
      reconnect: false,
    });
    again.start();
    await soon(() => (session('tls-f') !== before && session('tls-f')?.established) || undefined, 'replaced');
    await soon(() => first.state === 'stopped' || undefined, 'first closed');
    expect(first.lastDown).toMatchObject({ kind: 'stream-error-received', condition: 'conflict' });
  });
});
