import { AS_TRANS } from '../../constants';
import { AsPathSegment, asPathLength, substituteAsTrans } from './as-path';
import { PathAttributes } from './types';

/**
 * RFC 6793 between a NEW (4-octet) speaker and an OLD one: `toTwoOctetAttributes` before sending to an OLD
 * peer, `mergeAs4Attributes` after receiving from one. Neither is applied implicitly by the codec, so a
 * decoded message re-encodes to the same bytes.
 */

const hasWideAs = (segments: readonly AsPathSegment[] | undefined) =>
  (segments ?? []).some((s) => s.asns.some((a) => a > 0xffff));

/** §4.2.2: AS_TRANS in AS_PATH/AGGREGATOR, the real values in AS4_PATH/AS4_AGGREGATOR when needed. */
export function toTwoOctetAttributes(attrs: PathAttributes): PathAttributes {
  const out: PathAttributes = { ...attrs };
  delete out.as4Path;
  delete out.as4Aggregator;
  if (attrs.asPath && hasWideAs(attrs.asPath)) {
    out.asPath = substituteAsTrans(attrs.asPath);
    // Confederation segments never go into AS4_PATH (§3).
    const as4 = attrs.asPath.filter((s) => s.type === 'sequence' || s.type === 'set');
    if (as4.length > 0) out.as4Path = as4;
  }
  if (attrs.aggregator && attrs.aggregator.asn > 0xffff) {
    out.aggregator = { asn: AS_TRANS, address: attrs.aggregator.address };
    out.as4Aggregator = attrs.aggregator;
  }
  return out;
}

/**
 * §4.2.3: rebuild the true AS_PATH/AGGREGATOR from a 2-octet peer's AS4_PATH/AS4_AGGREGATOR, then drop
 * the AS4 attributes. AS4_PATH is ignored when it is longer than AS_PATH or when AGGREGATOR is present
 * without AS_TRANS (an OLD speaker aggregated after the AS4_PATH was attached).
 */
export function mergeAs4Attributes(attrs: PathAttributes): PathAttributes {
  const out: PathAttributes = { ...attrs };
  delete out.as4Path;
  delete out.as4Aggregator;
  if (attrs.aggregator && attrs.aggregator.asn !== AS_TRANS) return out;
  if (attrs.aggregator && attrs.as4Aggregator) out.aggregator = attrs.as4Aggregator;
  const as4 = attrs.as4Path;
  const path = attrs.asPath;
  if (!as4 || !path) return out;
  const keep = asPathLength(path) - asPathLength(as4);
  if (keep < 0) return out;
  out.asPath = [...leadingAses(path, keep), ...as4];
  return out;
}

/** The first `n` path-length units of `path`, keeping confederation segments that precede them. */
function leadingAses(path: readonly AsPathSegment[], n: number): AsPathSegment[] {
  const out: AsPathSegment[] = [];
  for (const seg of path) {
    if (seg.type === 'confed-sequence' || seg.type === 'confed-set') {
      out.push(seg);
      continue;
    }
    if (n <= 0) break;
    if (seg.type === 'set') {
      out.push(seg);
      n -= 1;
    } else {
      const take = seg.asns.slice(0, n);
      out.push({ type: 'sequence', asns: take });
      n -= take.length;
    }
  }
  return out;
}
