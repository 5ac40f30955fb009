import { AsPathSegment, firstAs } from './codec/attributes/as-path';
import { AttrType } from './constants';
import { BgpError, UpdateSubcode, updateError } from './errors';

/**
 * Checks that need the session's identity, kept apart from the decoder as GoBGP keeps validate.go apart
 * from its codec. Results are RFC 7606 errors for the caller to count and apply.
 */

/**
 * RFC 4271 §6.3 with RFC 7606 §7.2: an UPDATE from an external peer whose AS_PATH does not start with
 * that peer's AS is handled as treat-as-withdraw. Route servers (RFC 7947) do not prepend, so the check
 * is skipped for them.
 */
export function checkFirstAs(
  asPath: readonly AsPathSegment[] | undefined,
  session: { ebgp: boolean; peerAs: number; routeServer?: boolean },
): BgpError | undefined {
  if (!session.ebgp || session.routeServer || asPath === undefined) return undefined;
  const first = firstAs(asPath);
  if (first === session.peerAs) return undefined;
  return updateError(
    'treat-as-withdraw',
    UpdateSubcode.MalformedAsPath,
    AttrType.AsPath,
    `AS_PATH from external peer AS ${session.peerAs} starts with ${first ?? 'nothing'}`,
  );
}
