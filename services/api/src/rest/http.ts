import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { isConnectionError, RETRY_AFTER_SECONDS } from '@skein/bus';
import { badRequest, checkJsonDocument, collectionName, SkeinError } from '@skein/model';
import { methodNotAllowed, methodsOf } from './routes';
import type { AuthService } from '../auth/auth.service';
import type { ListParams, ListResult } from '../engine/config-service';
import { dbErrorToSkein } from '../engine/db-errors';
import type { RequestContext } from '../engine/write-tx';

export const MAX_REQUEST_SIZE = 1_024_000; // TF's max_request_size

/** Bytes that are not UTF-8 are a 400, not names silently rewritten to U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads POST/PUT bodies ourselves: VNC clients expect 415 for a non-JSON type, 413 over the TF limit and a
 * plain-text 400 naming the JSON error, all before any handler runs.
 */
export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  const rid = (req.headers['x-request-id'] as string | undefined) ?? `req-${randomUUID()}`;
  (req as any).requestId = rid;
  res.setHeader('X-Request-Id', rid);
  if (req.method !== 'POST' && req.method !== 'PUT') return next();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_SIZE) {
    req.resume();
    return sendError(
      req,
      res,
      new SkeinError(
        413,
        'PAYLOAD_TOO_LARGE',
        `Request body of ${declared} bytes exceeds ${MAX_REQUEST_SIZE}`,
      ),
    );
  }
  const ctype = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (c: Buffer) => {
    if (failed) return;
    size += c.length;
    if (size > MAX_REQUEST_SIZE) {
      failed = true;
      sendError(
        req,
        res,
        new SkeinError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_REQUEST_SIZE} bytes`),
      );
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (failed) return;
    if (size === 0) {
      (req as any).body = undefined;
      return next();
    }
    if (ctype !== 'application/json' && !ctype.endsWith('+json')) {
      return sendError(
        req,
        res,
        new SkeinError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Unsupported content type ${ctype || '(none)'}; use application/json`,
        ),
      );
    }
    let text: string;
    try {
      text = utf8.decode(Buffer.concat(chunks));
    } catch {
      return sendError(req, res, badRequest('Request body is not valid UTF-8', { field: 'body' }));
    }
    try {
      (req as any).body = JSON.parse(text);
    } catch (e: any) {
      return sendError(req, res, badRequest(`Malformed JSON: ${e.message}`));
    }
    try {
      checkJsonDocument((req as any).body, 'body');
    } catch (e) {
      return sendError(req, res, e);
    }
    next();
  });
  req.on('error', (e) => next(e));
}

/** Node's default header limit (request line included): a longer URL or header block never reaches Express. */
const MAX_HEADER_BYTES = 16 * 1024;

const rawReply = (status: number, reason: string, text: string) =>
  `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`;

/**
 * Requests Node's parser refuses (a 100 KB URL, oversized headers, garbage) get a status line and a body before
 * the connection closes. Node's own reply is a bare 431 for both and resets the connection while the client is
 * still sending, so a client saw ECONNRESET instead of a reason. A request line that fills the limit on its own
 * is a 414.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    let reply: string;
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      const raw = err.rawPacket ?? Buffer.alloc(0);
      const eol = raw.indexOf('\r\n');
      const longLine = eol < 0 || eol >= MAX_HEADER_BYTES / 2;
      reply = longLine
        ? rawReply(414, 'URI Too Long', `Request URL exceeds ${MAX_HEADER_BYTES} bytes`)
        : rawReply(
            431,
            'Request Header Fields Too Large',
            `Request headers exceed ${MAX_HEADER_BYTES} bytes`,
          );
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      reply = rawReply(408, 'Request Timeout', 'Request not received in time');
    } else {
      reply = rawReply(400, 'Bad Request', 'Malformed HTTP request');
    }
    // Read and drop what the client is still sending, so closing does not reset the connection under our reply.
    socket.on('error', () => {});
    socket.resume();
    socket.end(reply);
    setTimeout(() => socket.destroy(), 5_000).unref();
  });
}

/** JSON errors when the client prefers application/json (not via * / *), TF's plain text otherwise. */
export function wantsJson(req: Request): boolean {
  const accept = String(req.headers.accept ?? '');
  const first = accept.split(',').map((s) => s.split(';')[0].trim().toLowerCase())[0];
  return first === 'application/json';
}

export function sendError(req: Request, res: Response, e0: unknown): void {
  // Database errors the input or a race caused are 4xx with our words, never the database's (issue 7 item 8).
  const e = dbErrorToSkein(e0) ?? e0;
  // The database connection failed, not the request: 503 and a retry hint (issue 7 item 4).
  const unavailable = !(e instanceof SkeinError) && isConnectionError(e);
  let err =
    e instanceof SkeinError
      ? e
      : unavailable
        ? new SkeinError(503, 'UNAVAILABLE', 'The config store is unavailable; retry shortly')
        : new SkeinError(500, 'INTERNAL', 'Internal error');
  // A path that exists, asked with a method it does not serve (no route matched, or `GET /fqname-to-id`
  // fell into the collection route): 405 with Allow, as TF answers.
  const wrongMethod =
    err.status === 404 ? methodNotAllowed(req.method, req.originalUrl ?? req.url) : undefined;
  if (wrongMethod) {
    err = wrongMethod;
    res.setHeader('Allow', (methodsOf(req.originalUrl ?? req.url) ?? []).join(', '));
  }
  if (unavailable) (req as any).log?.warn?.({ err: (e as Error).message }, 'store unavailable');
  else if (!(e instanceof SkeinError)) (req as any).log?.error?.({ err: e }, 'unhandled error');
  if (res.headersSent) return void res.end();
  if (unavailable) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(err.status);
  if (wantsJson(req)) {
    res.json({ code: err.code, message: err.message, details: err.details });
  } else {
    res.type('text/plain').send(err.message);
  }
}

/** The body of a write: an object with exactly the URL's type as its one key. */
export function envelope(body: unknown, type: string): Record<string, any> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('Request body must be a JSON object');
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== type) {
    throw badRequest(`Request body must be {"${type}": {...}}; got keys ${JSON.stringify(keys)}`);
  }
  const inner = (body as any)[type];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
    throw badRequest(`"${type}" must be a JSON object`);
  return inner;
}

export function baseUrl(req: Request): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost'}`;
}

/** Who calls (401 where the aaa mode needs an identity), the request id and the href base of a REST request. */
export function requestContext(auth: AuthService, req: Request): RequestContext {
  return { identity: auth.identify(req.headers), requestId: (req as any).requestId, base: baseUrl(req) };
}

/** JSON text with id_perms uuid halves as exact unsigned 64-bit numbers (REST bodies and gRPC object_json). */
export const jsonText = (v: unknown) => JSON.stringify(v).replace(/"(uuid_[ml]slong)":"(\d+)"/g, '"$1":$2');

export function sendJson(res: Response, body: unknown, status = 200): void {
  res.status(status).type('application/json').send(jsonText(body));
}

/** A list reply (GET /Ts, list-bulk-collection): the items or their count under `<type>s`, the marker when paged. */
export function sendList(res: Response, type: string, p: ListParams, r: ListResult): void {
  res.setHeader('X-Skein-Seq', String(r.asOfSeq));
  const key = collectionName(type);
  if (p.count) return sendJson(res, { [key]: { count: r.count } });
  const out: Record<string, unknown> = { [key]: r.items };
  if (p.pageLimit) out.marker = r.marker ?? null;
  sendJson(res, out);
}
