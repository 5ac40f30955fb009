import { Inject, Injectable } from '@nestjs/common';
import { forbidden, SkeinError } from '@skein/model';
import type { ConfigService } from '../engine/config-service';
import { GSC_FQ } from '../hooks/global';
import { AUTH_SERVICE, CONFIG_SERVICE } from '../rest/tokens';
import type { AuthService } from './auth.service';
import { withDashes, type Identity } from './identity';

interface RbacRule {
  rule_object?: string;
  rule_field?: string;
  rule_perms?: { role_name?: string; role_crud?: string }[];
}

const norm = (t: string) => t.replace(/_/g, '-').replace(/s$/, '');

/**
 * rbac mode (config-api.md §5): a request passes when one api-access-list rule matches the type, each
 * first-level body field, one of the caller's roles and the operation.
 */
@Injectable()
export class Rbac {
  constructor(
    @Inject(CONFIG_SERVICE) private readonly svc: ConfigService,
    @Inject(AUTH_SERVICE) private readonly auth: AuthService,
  ) {}

  async rules(id: Identity): Promise<RbacRule[]> {
    const parents = [id.projectId, id.domainId].filter((u): u is string => !!u).map(withDashes);
    const { rows } = await this.svc.db.query(
      `SELECT o.props->'api_access_list_entries'->'rbac_rule' AS rules FROM objects o
        WHERE o.type = 'api-access-list'
          AND (o.parent_uuid = ANY($1::uuid[])
               OR o.parent_uuid = (SELECT uuid FROM objects WHERE type = 'global-system-config' AND fq_name = $2::jsonb))`,
      [parents, JSON.stringify(GSC_FQ)],
    );
    return rows.flatMap((r: any) => r.rules ?? []);
  }

  async check(
    id: Identity,
    type: string,
    op: 'C' | 'R' | 'U' | 'D',
    body?: Record<string, unknown>,
  ): Promise<void> {
    if (this.auth.aaaMode !== 'rbac' || id.admin) return;
    if (!id.roles.length) throw new SkeinError(401, 'UNAUTHENTICATED', 'No roles in the request identity');
    const rules = (await this.rules(id)).filter(
      (r) => r.rule_object === '*' || (r.rule_object && norm(r.rule_object) === type),
    );
    const allows = (field: string) =>
      rules.some(
        (r) =>
          (r.rule_field === undefined ||
            r.rule_field === '' ||
            r.rule_field === '*' ||
            r.rule_field === field ||
            field === '') &&
          (r.rule_perms ?? []).some(
            (p) =>
              (p.role_name === '*' || id.roles.includes(p.role_name ?? '')) &&
              (p.role_crud ?? '').includes(op),
          ),
      );
    const fields = body ? Object.keys(body) : [''];
    for (const f of fields.length ? fields : ['']) {
      if (!allows(f))
        throw forbidden(
          `rbac: ${op} on ${type}${f ? `.${f}` : ''} is not allowed for roles ${id.roles.join(',')}`,
        );
    }
  }
}
