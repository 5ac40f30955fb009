import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { badRequest, forbidden, notFound } from '@skein/model';
import { allocateAnonymous, freeAnonymous, subnetIpCount } from '@skein/ipam';
import { loadObject } from '@skein/store';
import type { AuthService } from '../auth/auth.service';
import { can, PERM_W } from '../auth/identity';
import type { ConfigService } from '../engine/config-service';
import { isUuid } from '../engine/names';
import type { WriteTx } from '../engine/write-tx';
import { vnLabel, vnSubnets } from '../hooks/addresses';
import { requestContext, sendJson } from './http';
import { AUTH_SERVICE, CONFIG_SERVICE } from './tokens';

/**
 * The most addresses one ip-alloc reserves. TF sets no limit; every address is allocated inside one write
 * transaction holding the subnet's allocator, so a request for a /16 blocked every other allocation on that
 * network for seconds. 1024 (a /22) answers in well under a second.
 */
export const MAX_IP_ALLOC = 1024;

/** The VN address actions (config-api.md §3.4): anonymous reservations, no events. */
@Controller('virtual-network/:id')
export class IpamController {
  constructor(
    @Inject(CONFIG_SERVICE) private readonly svc: ConfigService,
    @Inject(AUTH_SERVICE) private readonly auth: AuthService,
  ) {}

  private async withVn<T>(req: Request, fn: (w: WriteTx, vn: any) => Promise<T>): Promise<T> {
    const ctx = requestContext(this.auth, req);
    const id = req.params.id as string;
    const r = await this.svc.write(ctx, async (w) => {
      const vn = isUuid(id) ? await loadObject(w.c, id) : undefined;
      if (!vn || vn.type !== 'virtual-network')
        throw notFound(`No virtual-network object found for id ${id}`, { uuid: id });
      if (!ctx.identity.admin && !can(ctx.identity, vn.perms2, PERM_W))
        throw forbidden(`Permission denied on virtual-network ${id}`);
      return fn(w, vn);
    });
    return r.value;
  }

  @Post('ip-alloc')
  async alloc(@Req() req: Request, @Res() res: Response) {
    // vnc_api sends every optional argument, null when not given.
    const b = withoutNulls(req.body);
    const count = b.count === undefined ? 1 : b.count;
    if (!Number.isInteger(count) || count < 1 || count > MAX_IP_ALLOC)
      throw badRequest(`count must be an integer 1..${MAX_IP_ALLOC}`, { field: 'count' });
    if (b.family !== undefined && b.family !== 'v4' && b.family !== 'v6')
      throw badRequest('family must be v4 or v6', { field: 'family' });
    const out = await this.withVn(req, async (w, vn) => {
      let subnets = await vnSubnets(w, vn);
      if (b.subnet !== undefined) {
        subnets = subnets.filter((s) => names(s, b.subnet));
        if (!subnets.length)
          throw badRequest(`subnet ${b.subnet} is not a subnet of this virtual-network`, { field: 'subnet' });
      }
      const got = await allocateAnonymous(w.c, subnets, count, b.family, vnLabel(vn));
      return got.map((g) => g.address);
    });
    sendJson(res, { ip_addr: out });
  }

  @Post('ip-free')
  async free(@Req() req: Request, @Res() res: Response) {
    const b = req.body ?? {};
    if (!Array.isArray(b.ip_addr) || b.ip_addr.some((a: unknown) => typeof a !== 'string'))
      throw badRequest('ip_addr must be a list of addresses', { field: 'ip_addr' });
    await this.withVn(req, async (w, vn) => freeAnonymous(w.c, await vnSubnets(w, vn), b.ip_addr));
    sendJson(res, {});
  }

  @Post('subnet-ip-count')
  async count(@Req() req: Request, @Res() res: Response) {
    const b = req.body ?? {};
    if (!Array.isArray(b.subnet_list))
      throw badRequest('subnet_list must be a list of subnet uuids', { field: 'subnet_list' });
    const counts = await this.withVn(req, async (w, vn) => {
      const mine = await vnSubnets(w, vn);
      const out: number[] = [];
      for (const s of b.subnet_list) {
        const found = mine.find((m) => names(m, s));
        if (!found)
          throw badRequest(`subnet ${s} is not a subnet of this virtual-network`, { field: 'subnet_list' });
        out.push(await subnetIpCount(w.c, found.subnetUuid));
      }
      return out;
    });
    sendJson(res, { ip_count_list: counts });
  }
}

/** A subnet is named by its subnet_uuid or, as TF's clients also do, by its prefix (`10.1.1.0/24`). */
const names = (s: { subnetUuid: string; prefix: string }, name: unknown) =>
  s.subnetUuid === name || s.prefix === name;

const withoutNulls = (body: unknown): Record<string, any> =>
  Object.fromEntries(
    Object.entries(body && typeof body === 'object' ? body : {}).filter(([, v]) => v !== null),
  );
