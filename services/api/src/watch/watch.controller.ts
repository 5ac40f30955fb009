import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  EventLogOutOfRangeError,
  type ConfigEvent,
  type EventLog,
  type EventSubscription,
} from '@skein/events';
import { badRequest, getType, notFound, SkeinError, typeFromField } from '@skein/model';
import { compactedBelow } from '@skein/store';
import type { AuthService } from '../auth/auth.service';
import type { ConfigService } from '../engine/config-service';
import { restShape } from '../engine/rest-shape';
import { checkSeq } from '../engine/seq';
import { baseUrl } from '../rest/http';
import { AUTH_SERVICE, CONFIG_SERVICE, EVENT_LOG } from '../rest/tokens';

const KEEPALIVE_MS = 60_000;

const frameOf: Record<string, string> = {
  CREATE: 'create',
  UPDATE: 'update',
  REF_ADD: 'update',
  REF_DELETE: 'update',
  PROP_COLLECTION: 'update',
  DELETE: 'delete',
};

/**
 * GET /watch as server-sent events (config-api.md §3.4): `init` with the current objects, then one frame per
 * change with `id: <seq>` so `Last-Event-ID` resumes exactly after it.
 */
@Controller()
export class WatchController {
  constructor(
    @Inject(CONFIG_SERVICE) private readonly svc: ConfigService,
    @Inject(AUTH_SERVICE) private readonly auth: AuthService,
    @Inject(EVENT_LOG) private readonly events: EventLog,
  ) {}

  @Get('watch')
  async watch(@Req() req: Request, @Res() res: Response) {
    const identity = this.auth.identify(req.headers);
    const rt = req.query.resource_type;
    if (typeof rt !== 'string' || !rt)
      throw badRequest('resource_type is required', { field: 'resource_type' });
    const types = rt.split(',').map((t) => typeFromField(t.trim()));
    for (const t of types) if (!getType(t)) throw notFound(`Unknown resource type ${t}`);
    const fieldsOf = new Map<string, Set<string> | undefined>();
    for (const t of types) {
      const f = req.query[`${t.replace(/-/g, '_')}_fields`];
      fieldsOf.set(t, typeof f === 'string' && f ? new Set(f.split(',')) : undefined);
    }
    const base = baseUrl(req);
    // As GET and the gRPC Watch: readable, and not user_visible: false unless admin (spec §5).
    const readable = this.svc.visibleTo(identity);
    const visible = (o: any) => readable({ perms2: o.perms2, user_visible: o.id_perms?.user_visible });
    const shape = (t: string, o: any) =>
      restShape(o, { base, fields: fieldsOf.get(t), excludeBackRefs: true, excludeChildren: true });

    // Before the 200 goes out, so a bad resume point is still a 400.
    const lastId =
      req.headers['last-event-id'] === undefined
        ? undefined
        : checkSeq(req.headers['last-event-id'], 'Last-Event-ID');
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.flushHeaders();
    const send = (event: string, data: unknown, id?: number) => {
      res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };

    let after: number;
    // A resume point older than the compacted log cannot be replayed: start over with init instead.
    if (lastId !== undefined && lastId + 1 >= (await compactedBelow(this.svc.db))) {
      after = lastId;
    } else {
      const { value, seq } = await this.svc.currentObjects(types);
      const init: Record<string, unknown[]> = {};
      types.forEach((t, i) => (init[`${t}s`] = value[i].filter(visible).map((o) => shape(t, o))));
      after = seq;
      send('init', init);
    }

    const wanted = new Set(types);
    const keepalive = setInterval(() => res.write(':\n\n'), KEEPALIVE_MS);
    const close = () => {
      clearInterval(keepalive);
      void sub.stop();
    };
    req.on('close', close);
    const sub: EventSubscription = this.events.subscribe(after, async (batch: ConfigEvent[]) => {
      for (const e of batch) {
        if (!wanted.has(e.type) || !visible(e.object)) continue;
        send(
          frameOf[e.oper] ?? 'update',
          { [e.type]: shape(e.type, { ...toStoredLike(e.object), type: e.type }) },
          e.seq,
        );
      }
    });
    sub.done.catch((err) => {
      // Only our own errors are worth quoting; a database's text is logged, never sent.
      const known = err instanceof SkeinError || err instanceof EventLogOutOfRangeError;
      if (!known) (req as any).log?.error?.({ err }, 'watch stream failed');
      send('stop', { message: known ? err.message : 'watch ended by the server; reconnect' });
      res.end();
      close();
    });
  }
}

/** Event objects are already in REST shape; re-shape only to apply field masks and hrefs. */
function toStoredLike(o: Record<string, any>) {
  const props: Record<string, unknown> = {};
  const refs: any[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (['uuid', 'fq_name', 'name', 'parent_type', 'parent_uuid', 'id_perms', 'perms2'].includes(k)) continue;
    if (k.endsWith('_refs') && Array.isArray(v)) {
      const type = typeFromField(k.slice(0, -5));
      for (const r of v)
        refs.push({ to_uuid: r.uuid, to_type: type, to_fq_name: r.to, attr: r.attr, relaxed: false });
      continue;
    }
    props[k] = v;
  }
  return {
    uuid: o.uuid,
    fq_name: o.fq_name,
    parent_uuid: o.parent_uuid ?? null,
    parent_type: o.parent_type,
    props,
    id_perms: o.id_perms,
    perms2: o.perms2,
    refs,
  };
}
