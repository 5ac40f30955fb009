import { jsonEqual } from '../engine/names';
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, forbidden } from '@skein/model';
import { ID_POOLS, allocateId, freeId, releaseOwner, reserveId } from '@skein/ipam';
import type { StoredObject } from '@skein/store';
import type { TypeHooks } from './types';

const { name: SG_ID_POOL, range: SG_ID_RANGE } = ID_POOLS.securityGroupId;

const PROTOCOL_NAMES = new Set(['any', 'icmp', 'tcp', 'udp', 'icmp6']);

function checkProtocol(p: unknown, path: string) {
  if (p === undefined || p === null) return;
  const s = String(p);
  if (PROTOCOL_NAMES.has(s.toLowerCase())) return;
  if (/^\d+$/.test(s) && Number(s) <= 255) return;
  throw badRequest(
    `Invalid protocol ${JSON.stringify(p)} at ${path}: any, a name or 0..255`,
    { field: path },
    'INVALID_FIELD',
  );
}

/** The identity of a rule for duplicate detection: everything but its uuid and timestamps. */
const ruleKey = (r: any) =>
  JSON.stringify({ ...r, rule_uuid: undefined, created: undefined, last_modified: undefined });

/**
 * Policy rules (network-policy and security-group): the server assigns rule_uuid, identical rules are 409,
 * protocol is checked (config-api.md §1.3 "Policy rules").
 */
function checkRules(entries: any, field: string, kind: 'network-policy' | 'security-group', previous?: any) {
  const rules: any[] = entries?.policy_rule ?? [];
  const seen = new Set<string>();
  const prevByKey = new Map<string, string>(
    (previous?.policy_rule ?? []).map((r: any) => [ruleKey(r), r.rule_uuid]),
  );
  rules.forEach((r, i) => {
    const path = `${field}.policy_rule[${i}]`;
    checkProtocol(r.protocol, `${path}.protocol`);
    const k = ruleKey(r);
    if (seen.has(k)) throw conflict('DUPLICATE_RULE', `Duplicate rule at ${path}`, { field: path });
    seen.add(k);
    if (kind === 'network-policy') {
      if (!r.action_list)
        throw badRequest(
          `${path}.action_list is required`,
          { field: `${path}.action_list` },
          'INVALID_FIELD',
        );
      const usesSg = [...(r.src_addresses ?? []), ...(r.dst_addresses ?? [])].some(
        (a: any) => a?.security_group,
      );
      if (usesSg)
        throw badRequest(
          `${path}: network-policy rules cannot name security groups`,
          { field: path },
          'INVALID_FIELD',
        );
    } else {
      const ends = [...(r.src_addresses ?? []), ...(r.dst_addresses ?? [])];
      if (!ends.some((a: any) => a?.security_group === 'local')) {
        throw badRequest(
          `${path}: a security-group rule needs a "local" endpoint`,
          { field: path },
          'INVALID_FIELD',
        );
      }
      const v6 = r.ethertype === 'IPv6';
      for (const a of ends) {
        const ip: string | undefined = a?.subnet?.ip_prefix;
        if (ip && ip.includes(':') !== v6)
          throw badRequest(
            `${path}: subnet ${ip} does not match ethertype ${r.ethertype ?? 'IPv4'}`,
            { field: `${path}.ethertype` },
            'INVALID_FIELD',
          );
      }
    }
    r.rule_uuid ??= prevByKey.get(k) ?? randomUUID();
  });
}

export const networkPolicyHooks: TypeHooks = {
  async beforeCreate(_w, obj) {
    checkRules(obj.props.network_policy_entries, 'network_policy_entries', 'network-policy');
  },
  async beforeUpdate(_w, before, after, changed) {
    if (changed.has('network_policy_entries'))
      checkRules(
        after.props.network_policy_entries,
        'network_policy_entries',
        'network-policy',
        before.props.network_policy_entries,
      );
  },
};

async function assignSgId(
  w: Parameters<NonNullable<TypeHooks['beforeCreate']>>[0],
  obj: StoredObject,
  before?: StoredObject,
) {
  const configured = obj.props.configured_security_group_id;
  const prev = before?.props.security_group_id;
  if (configured && configured > 0) {
    if (prev === configured) return;
    if (prev) await freeId(w.c, SG_ID_POOL, prev);
    obj.props.security_group_id = configured;
    return;
  }
  if (prev && prev >= SG_ID_RANGE.lo) return;
  if (obj.props.security_group_id !== undefined && w.internal) {
    await reserveId(w.c, SG_ID_POOL, obj.props.security_group_id, obj.uuid);
    return;
  }
  obj.props.security_group_id = await allocateId(w.c, SG_ID_POOL, SG_ID_RANGE, obj.uuid);
}

export const securityGroupHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    checkRules(obj.props.security_group_entries, 'security_group_entries', 'security-group');
    await assignSgId(w, obj);
  },
  async beforeUpdate(w, before, after, changed) {
    if (!w.internal && !jsonEqual(after.props.security_group_id, before.props.security_group_id)) {
      throw forbidden('Cannot set the security group id', { field: 'security_group_id' });
    }
    if (changed.has('security_group_entries'))
      checkRules(
        after.props.security_group_entries,
        'security_group_entries',
        'security-group',
        before.props.security_group_entries,
      );
    if (changed.has('configured_security_group_id')) {
      await assignSgId(w, after, before);
      if (after.props.security_group_id !== before.props.security_group_id) changed.add('security_group_id');
    }
  },
  async beforeDelete(w, obj) {
    await releaseOwner(w.c, obj.uuid);
  },
};
