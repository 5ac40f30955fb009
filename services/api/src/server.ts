import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import pinoHttp from 'pino-http';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { EventLog } from '@skein/events';
import { Db } from '@skein/store';
import { ApiModule } from './app.module';
import { AuthService, isLoopback, type AaaMode } from './auth/auth.service';
import { bootstrapDefaults } from './bootstrap';
import { ConfigService } from './engine/config-service';
import { checkQuota, HOOKS } from './hooks';
import { ErrorFilter } from './rest/error.filter';
import { answerClientErrors, jsonBody } from './rest/http';
import { metricsMiddleware, registerBatcherMetrics } from './rest/observability';
import { openApiDocument } from './rest/openapi';

export interface ApiServerOptions {
  db: Db;
  events: EventLog;
  port: number;
  host?: string;
  aaaMode?: AaaMode;
  trustIdentityHeaders?: boolean;
  logger?: Logger;
  /** Group commit for creates (default on). */
  batching?: boolean;
  /** Create the §7 default objects when missing (true unless a test wants an empty store). */
  bootstrap?: boolean;
}

export interface ApiServer {
  app: INestApplication;
  svc: ConfigService;
  auth: AuthService;
  port: number;
  close(): Promise<void>;
}

let batcherStats: () => { batches: number; batched: number; fallbacks: number } | undefined = () => undefined;
registerBatcherMetrics(() => batcherStats());

/** Builds the config API on a store and an event log and starts listening. */
export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const host = o.host ?? '127.0.0.1';
  const svc = new ConfigService(o.db, HOOKS, checkQuota);
  // Group commit for creates unless turned off (SKEIN_WRITE_BATCH=0); PGlite serves one session, no gain there.
  if (o.batching ?? process.env.SKEIN_WRITE_BATCH !== '0') svc.enableBatching();
  batcherStats = () => svc.batcher?.stats;
  const auth = new AuthService(o.db, {
    loopbackOnly: isLoopback(host),
    mode: o.aaaMode ?? (process.env.SKEIN_AAA_MODE as AaaMode | undefined),
    trustIdentityHeaders: o.trustIdentityHeaders ?? process.env.SKEIN_TRUST_IDENTITY_HEADERS === '1',
    allowInsecure: process.env.SKEIN_ALLOW_INSECURE === '1',
  });
  await auth.init();
  if (o.bootstrap !== false) await bootstrapDefaults(svc, { rbac: auth.aaaMode === 'rbac' });

  const app = await NestFactory.create(ApiModule.forRoot({ svc, auth, events: o.events }), {
    bodyParser: false,
    logger: false,
  });
  app.use(metricsMiddleware);
  // Structured request logs: failures at info/error, successes only at debug (SKEIN_LOG_LEVEL=debug).
  app.use(
    pinoHttp({
      logger: (o.logger ?? pino({ name: 'skein-api', level: process.env.SKEIN_LOG_LEVEL ?? 'info' })) as any,
      genReqId: (req) => (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
    }),
  );
  app.use(jsonBody);
  app.useGlobalFilters(new ErrorFilter());
  SwaggerModule.setup('docs', app, openApiDocument() as any, { jsonDocumentUrl: 'docs/openapi.json' });
  (app.getHttpAdapter().getInstance() as any).set('etag', false);
  answerClientErrors(app.getHttpServer());
  await app.listen(o.port, host);
  const addr = app.getHttpServer().address();
  return {
    app,
    svc,
    auth,
    port: typeof addr === 'object' && addr ? addr.port : o.port,
    close: () => app.close(),
  };
}
