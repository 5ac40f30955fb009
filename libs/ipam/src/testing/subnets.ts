/** Spec helpers for subnets and rejections, shared by the pure and the database specs. */
import { SkeinError } from '@skein/model';
import type { SubnetRef } from '../allocator';
import type { IpamSubnetType, NormalizedSubnet } from '../subnet';

/** An IpamSubnetType for `ip_prefix/ip_prefix_len`, with any other fields. */
export const sn = (
  ip_prefix: string,
  ip_prefix_len: number,
  extra: Partial<IpamSubnetType> = {},
): IpamSubnetType => ({
  subnet: { ip_prefix, ip_prefix_len },
  ...extra,
});

/** Registered subnets as allocation candidates, in their order. */
export const subnetRefs = (subnets: readonly NormalizedSubnet[]): SubnetRef[] =>
  subnets.map((s) => ({ subnetUuid: s.subnetUuid, family: s.family, prefix: s.name }));

/** The SkeinError `p` rejects with (any other outcome fails the spec). */
export async function rejection(p: Promise<unknown>): Promise<SkeinError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SkeinError) return e;
    throw e;
  }
  throw new Error('expected a SkeinError');
}
