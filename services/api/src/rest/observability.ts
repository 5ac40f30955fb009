import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { forbidden } from '@skein/model';
import { METRICS_ROLE, type AuthService } from '../auth/auth.service';
import type { ConfigService } from '../engine/config-service';
import { AUTH_SERVICE, CONFIG_SERVICE } from './tokens';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'skein_api_' });
const requests = new Counter({
  name: 'skein_api_requests_total',
  help: 'REST requests by method, route kind and status',
  labelNames: ['method', 'status'],
  registers: [registry],
});
const latency = new Histogram({
  name: 'skein_api_request_seconds',
  help: 'REST request latency',
  labelNames: ['method'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

/** Group-commit counters of the write batcher, read at scrape time. */
export function registerBatcherMetrics(
  stats: () => { batches: number; batched: number; fallbacks: number } | undefined,
) {
  const read = (k: 'batches' | 'batched' | 'fallbacks') => () => stats()?.[k] ?? 0;
  new Counter({
    name: 'skein_api_write_batches_total',
    help: 'Create batches committed together',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read('batches')());
    },
  });
  new Counter({
    name: 'skein_api_write_batched_requests_total',
    help: 'Creates committed as part of a batch',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read('batched')());
    },
  });
  new Counter({
    name: 'skein_api_write_batch_fallbacks_total',
    help: 'Batches rolled back and replayed one request at a time',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read('fallbacks')());
    },
  });
}

export function metricsMiddleware(req: Request, res: Response, next: NextFunction) {
  const end = latency.startTimer({ method: req.method });
  res.on('finish', () => {
    end();
    requests.inc({ method: req.method, status: String(res.statusCode) });
  });
  next();
}

@Controller()
export class ObservabilityController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(CONFIG_SERVICE) private readonly svc: ConfigService,
    @Inject(AUTH_SERVICE) private readonly auth: AuthService,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const i = this.indicator.check('database');
        try {
          const seq = await this.svc.head();
          return i.up({ head_seq: seq });
        } catch (e: any) {
          return i.down({ message: e.message });
        }
      },
    ]);
  }

  /**
   * Open on loopback; elsewhere it needs a bearer token with the admin or metrics role (what Prometheus'
   * `authorization` scrape setting sends), in every aaa mode but no-auth, where every caller is admin.
   */
  @Get('metrics')
  async metrics(@Req() req: Request, @Res() res: Response) {
    if (!this.auth.loopbackOnly) {
      const id = this.auth.identify(req.headers);
      if (!id.admin && !id.roles.includes(METRICS_ROLE))
        throw forbidden(`/metrics needs the ${this.auth.adminRole} or ${METRICS_ROLE} role`);
    }
    res.type(registry.contentType).send(await registry.metrics());
  }
}
