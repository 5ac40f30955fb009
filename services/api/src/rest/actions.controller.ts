import { Controller, Get, Inject, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { badRequest, forbidden, getType, typeFromField } from '@skein/model';
import type { AuthService } from '../auth/auth.service';
import type { Actions } from '../engine/actions';
import type { ConfigService } from '../engine/config-service';
import type { RequestContext } from '../engine/write-tx';
import { requestContext, sendJson, sendList } from './http';
import { parseListParams } from './list-params';
import { homepage } from './routes';
import { setTag } from './set-tag';
import { ACTIONS, AUTH_SERVICE, CONFIG_SERVICE } from './tokens';

/** The VNC action endpoints (config-api.md §3.4); registered before the generic resource routes. */
@Controller()
export class ActionsController {
  constructor(
    @Inject(CONFIG_SERVICE) private readonly svc: ConfigService,
    @Inject(AUTH_SERVICE) private readonly auth: AuthService,
    @Inject(ACTIONS) private readonly actions: Actions,
  ) {}

  private ctx(req: Request): RequestContext {
    return requestContext(this.auth, req);
  }

  /** A write's reply: its body, and the seq of its last event in X-Skein-Seq. */
  private written(res: Response, r: { body: unknown; seq: number }) {
    res.setHeader('X-Skein-Seq', String(r.seq));
    sendJson(res, r.body);
  }

  @Get()
  root(@Req() req: Request, @Res() res: Response) {
    sendJson(res, homepage(this.ctx(req).base));
  }

  @Post('fqname-to-id')
  async fqNameToId(@Req() req: Request, @Res() res: Response) {
    const b = req.body ?? {};
    const type = typeof b.type === 'string' ? typeFromField(b.type) : b.type;
    sendJson(res, { uuid: await this.svc.fqNameToId(this.ctx(req), type, b.fq_name) });
  }

  @Post('id-to-fqname')
  async idToFqName(@Req() req: Request, @Res() res: Response) {
    sendJson(res, await this.svc.idToFqName(this.ctx(req), (req.body ?? {}).uuid));
  }

  @Post('ref-update')
  async refUpdate(@Req() req: Request, @Res() res: Response) {
    this.written(res, await this.actions.refUpdate(this.ctx(req), req.body));
  }

  @Post('ref-relax-for-delete')
  async refRelax(@Req() req: Request, @Res() res: Response) {
    this.written(res, await this.actions.refRelax(this.ctx(req), req.body));
  }

  @Get('prop-collection-get')
  async propGet(@Req() req: Request, @Res() res: Response) {
    sendJson(res, await this.actions.propCollectionGet(this.ctx(req), req.query as Record<string, unknown>));
  }

  @Post('prop-collection-update')
  async propUpdate(@Req() req: Request, @Res() res: Response) {
    this.written(res, await this.actions.propCollectionUpdate(this.ctx(req), req.body));
  }

  @Post('useragent-kv')
  async kv(@Req() req: Request, @Res() res: Response) {
    sendJson(res, await this.actions.useragentKv(this.ctx(req), req.body));
  }

  @Post('list-bulk-collection')
  async bulk(@Req() req: Request, @Res() res: Response) {
    const b = req.body;
    if (typeof b !== 'object' || b === null || Array.isArray(b))
      throw badRequest('Request body must be a JSON object');
    const type = typeof b.type === 'string' ? typeFromField(b.type) : '';
    if (!getType(type)) throw badRequest(`Unknown type ${JSON.stringify(b.type)}`, { field: 'type' });
    const { type: _type, ...q }: Record<string, unknown> = b;
    for (const k of ['parent_id', 'back_ref_id', 'obj_uuids', 'fields'])
      if (Array.isArray(q[k])) q[k] = (q[k] as unknown[]).join(',');
    for (const k of ['detail', 'count', 'shared', 'exclude_hrefs'])
      if (typeof q[k] === 'boolean') q[k] = q[k] ? 'true' : undefined;
    if (q.filters && typeof q.filters === 'object' && !Array.isArray(q.filters)) {
      q.filters = Object.entries(q.filters as Record<string, unknown>)
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}==${JSON.stringify(x)}`))
        .join(',');
    }
    const p = parseListParams(type, q);
    sendList(res, type, p, await this.svc.list(this.ctx(req), p));
  }

  @Get('obj-perms')
  async objPerms(@Req() req: Request, @Res() res: Response) {
    sendJson(res, await this.actions.objPerms(this.ctx(req), (req.query as any).uuid));
  }

  @Post('chown')
  async chown(@Req() req: Request, @Res() res: Response) {
    this.written(res, await this.actions.chown(this.ctx(req), req.body));
  }

  @Post('chmod')
  async chmod(@Req() req: Request, @Res() res: Response) {
    this.written(res, await this.actions.chmod(this.ctx(req), req.body));
  }

  @Post('set-tag')
  async setTag(@Req() req: Request, @Res() res: Response) {
    this.written(res, { body: {}, seq: await setTag(this.svc, this.ctx(req), req.body) });
  }

  @Get('aaa-mode')
  aaaGet(@Req() req: Request, @Res() res: Response) {
    this.ctx(req);
    sendJson(res, { 'aaa-mode': this.auth.aaaMode });
  }

  @Put('aaa-mode')
  async aaaPut(@Req() req: Request, @Res() res: Response) {
    const ctx = this.ctx(req);
    if (!ctx.identity.admin) throw forbidden('Only admin may change the aaa mode');
    const mode = await this.auth.setMode((req.body ?? {})['aaa-mode']);
    sendJson(res, { 'aaa-mode': mode });
  }

  @Post('auth/tokens')
  async token(@Req() req: Request, @Res() res: Response) {
    const ctx = this.ctx(req);
    if (!ctx.identity.admin) throw forbidden('Only admin may issue tokens');
    const b = req.body ?? {};
    if (typeof b.user !== 'string' || !b.user) throw badRequest('user is required', { field: 'user' });
    if (!Array.isArray(b.roles) || b.roles.some((r: unknown) => typeof r !== 'string'))
      throw badRequest('roles must be a list of strings', { field: 'roles' });
    if (b.ttl_s !== undefined && (!Number.isInteger(b.ttl_s) || b.ttl_s <= 0))
      throw badRequest('ttl_s must be a positive integer', { field: 'ttl_s' });
    sendJson(res, this.auth.issueToken(b));
  }
}
