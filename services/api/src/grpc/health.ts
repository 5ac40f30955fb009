import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * grpc.health.v1 (https://github.com/grpc/grpc/blob/master/doc/health-checking.md), described inline rather
 * than as a .proto file: grpc-health-check is not a dependency and the service is four messages, and an inline
 * definition cannot go missing from a build's output.
 */
const HEALTH_PROTO: Parameters<typeof protoLoader.fromJSON>[0] = {
  nested: {
    grpc: {
      nested: {
        health: {
          nested: {
            v1: {
              nested: {
                HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                HealthCheckResponse: {
                  fields: { status: { type: 'ServingStatus', id: 1 } },
                  nested: {
                    ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } },
                  },
                },
                Health: {
                  methods: {
                    Check: {
                      requestType: 'HealthCheckRequest',
                      responseType: 'HealthCheckResponse',
                      comment: '',
                    },
                    Watch: {
                      requestType: 'HealthCheckRequest',
                      responseType: 'HealthCheckResponse',
                      responseStream: true,
                      comment: '',
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

export const healthDefinition = (): grpc.ServiceDefinition =>
  (grpc.loadPackageDefinition(protoLoader.fromJSON(HEALTH_PROTO, { enums: String, defaults: true })) as any)
    .grpc.health.v1.Health.service;

/**
 * Check and Watch for the given service names ('' is the whole server). Watch sends the status now and on
 * every change until the client cancels or the server ends the stream.
 */
export class Health {
  private current: ServingStatus = 'SERVING';
  /** Open Watch streams, and whether each names a service this server has. */
  private readonly watchers = new Map<grpc.ServerWritableStream<any, any>, boolean>();

  constructor(private readonly services: string[]) {}

  set(s: ServingStatus): void {
    this.current = s;
    for (const [w, known] of this.watchers) if (known) w.write({ status: s });
  }

  /** Ends open Watch streams (at shutdown, so they do not hold the server open). */
  endWatches(): void {
    for (const w of this.watchers.keys()) w.end();
    this.watchers.clear();
  }

  implementation(): grpc.UntypedServiceImplementation {
    const known = (name: string) => name === '' || this.services.includes(name);
    return {
      Check: (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => {
        if (!known(call.request.service))
          return cb({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` });
        cb(null, { status: this.current });
      },
      Watch: (call: grpc.ServerWritableStream<any, any>) => {
        const k = known(call.request.service);
        call.write({ status: k ? this.current : 'SERVICE_UNKNOWN' });
        this.watchers.set(call, k);
        call.on('cancelled', () => this.watchers.delete(call));
      },
    };
  }
}
