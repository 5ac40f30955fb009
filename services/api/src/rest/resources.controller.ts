import { Controller, Delete, Get, Inject, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { getType, notFound, typeForCollection } from '@skein/model';
import type { AuthService } from '../auth/auth.service';
import type { ConfigService } from '../engine/config-service';
import type { RequestContext } from '../engine/write-tx';
import { Rbac } from '../auth/rbac';
import { envelope, requestContext, sendJson, sendList } from './http';
import { parseListParams, queryFlag } from './list-params';
import { AUTH_SERVICE, CONFIG_SERVICE } from './tokens';

function ifMatch(req: Request): number | undefined {
  const h = req.headers['if-match'];
  if (!h || h === '*') return undefined;
  const n = Number(String(h).replace(/^W\//, '').replace(/"/g, ''));
  return Number.isFinite(n) ? n : -1;
}

/** Every type's CRUD routes, generated from the model registry at request time: `/Ts` and `/T/<uuid>`. */
@Controller()
export class ResourcesController {
  constructor(
    @Inject(CONFIG_SERVICE) private readonly svc: ConfigService,
    @Inject(AUTH_SERVICE) private readonly auth: AuthService,
    private readonly rbac: Rbac,
  ) {}

  private ctx(req: Request): RequestContext {
    return requestContext(this.auth, req);
  }

  private collection(name: string): string {
    const t = typeForCollection(name);
    if (!t) throw notFound(`Unknown collection /${name}`);
    return t.name;
  }

  private single(name: string): string {
    if (!getType(name)) throw notFound(`Unknown type ${name}`);
    return name;
  }

  @Get(':collection')
  async list(@Req() req: Request, @Res() res: Response) {
    const type = this.collection(req.params.collection as string);
    const ctx = this.ctx(req);
    await this.rbac.check(ctx.identity, type, 'R');
    const p = parseListParams(type, req.query as Record<string, unknown>);
    sendList(res, type, p, await this.svc.list(ctx, p));
  }

  @Post(':collection')
  async create(@Req() req: Request, @Res() res: Response) {
    const type = this.collection(req.params.collection as string);
    const ctx = this.ctx(req);
    const body = envelope(req.body, type);
    await this.rbac.check(ctx.identity, type, 'C', body);
    const r = await this.svc.create(ctx, type, body);
    const o = r.value;
    res.setHeader('X-Skein-Seq', String(r.seq));
    const out: Record<string, unknown> = {
      name: o.fq_name[o.fq_name.length - 1],
      fq_name: o.fq_name,
      uuid: o.uuid,
      href: `${ctx.base}/${type}/${o.uuid}`,
      parent_type: o.parent_type,
    };
    if (o.parent_uuid) {
      out.parent_uuid = o.parent_uuid;
      out.parent_href = `${ctx.base}/${o.parent_type}/${o.parent_uuid}`;
    }
    sendJson(res, { [type]: out });
  }

  @Get(':type/:uuid')
  async read(@Req() req: Request, @Res() res: Response) {
    const type = this.single(req.params.type as string);
    const ctx = this.ctx(req);
    await this.rbac.check(ctx.identity, type, 'R');
    const q = req.query as Record<string, unknown>;
    const fields = typeof q.fields === 'string' ? q.fields.split(',').filter(Boolean) : undefined;
    const r = await this.svc.read(ctx, type, req.params.uuid as string, {
      fields,
      excludeBackRefs: queryFlag(q.exclude_back_refs, 'exclude_back_refs'),
      excludeChildren: queryFlag(q.exclude_children, 'exclude_children'),
      excludeHrefs: queryFlag(q.exclude_hrefs, 'exclude_hrefs'),
    });
    const etag = `"${r.obj.version}"`;
    res.setHeader('ETag', etag);
    res.setHeader('X-Skein-Seq', String(r.seq));
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    sendJson(res, { [type]: r.body });
  }

  @Put(':type/:uuid')
  async update(@Req() req: Request, @Res() res: Response) {
    const type = this.single(req.params.type as string);
    const ctx = this.ctx(req);
    const body = envelope(req.body, type);
    await this.rbac.check(ctx.identity, type, 'U', body);
    const uuid = req.params.uuid as string;
    const r = await this.svc.update(ctx, type, uuid, body, ifMatch(req));
    res.setHeader('X-Skein-Seq', String(r.seq));
    sendJson(res, { [type]: { uuid, href: `${ctx.base}/${type}/${uuid}` } });
  }

  @Delete(':type/:uuid')
  async remove(@Req() req: Request, @Res() res: Response) {
    const type = this.single(req.params.type as string);
    const ctx = this.ctx(req);
    await this.rbac.check(ctx.identity, type, 'D');
    const r = await this.svc.delete(ctx, type, req.params.uuid as string, ifMatch(req));
    res.setHeader('X-Skein-Seq', String(r.seq));
    res.status(200).end();
  }
}
