import { itemError, type ItemError } from './errors';
import { parsePublishNode, type Family, type Nlri } from './node-names';
import { decodeEntry, decodeEntryNlri, type RouteEntry } from './route-item';
import type { CollectionIq, PublishIq } from './stanzas';
import { validateAgentRoute } from './validate';
import { child } from './xml';

/** A route change from an agent, assembled from its publish + collection iqs and fully validated. */
export type AgentRouteUpdate =
  | {
      kind: 'route';
      op: 'add';
      /** From the collection node (TF does the same). */
      ri: string;
      family: Family;
      nlri: Nlri;
      entry: RouteEntry;
      node: string;
      primaryInstanceId?: number;
    }
  | {
      kind: 'route';
      op: 'delete';
      ri: string;
      family: Family;
      nlri: Nlri;
      node: string;
      primaryInstanceId?: number;
    }
  | { kind: 'end-of-rib' }
  /** Drop and count in `bad_items`; the session stays up. */
  | { kind: 'item-error'; ri?: string; error: ItemError };

/**
 * Pairs each `publish` iq with the `collection` iq that follows it, as TF's `XmppConnection::XmppDecode`
 * does: the publish is held; a collection whose `associate`/`dissociate` node equals the held publish's
 * node completes it; anything else drops it. TF drops silently; here every drop is reported, so a session
 * can count it.
 *
 * One assembler per session (it holds at most one publish). Pure: no I/O, no timers.
 */
export class PublishAssembler {
  private pending: PublishIq | undefined;

  /** The publish still waiting for its collection. */
  get pendingPublish(): PublishIq | undefined {
    return this.pending;
  }

  push(stanza: PublishIq | CollectionIq): AgentRouteUpdate[] {
    if (stanza.kind === 'publish') {
      const dropped = this.pending;
      this.pending = stanza;
      return dropped === undefined
        ? []
        : [
            {
              kind: 'item-error',
              error: itemError('orphan-publish', 'publish without collection', dropped.node),
            },
          ];
    }
    const publish = this.pending;
    this.pending = undefined;
    if (publish === undefined) {
      return [
        {
          kind: 'item-error',
          ri: stanza.node,
          error: itemError('orphan-collection', 'collection without publish', stanza.itemNode),
        },
      ];
    }
    if (publish.node !== stanza.itemNode) {
      const msg = `collection names ${JSON.stringify(stanza.itemNode)}, publish was ${JSON.stringify(publish.node)}`;
      return [{ kind: 'item-error', ri: stanza.node, error: itemError('node-mismatch', msg, publish.node) }];
    }
    // TF: "Empty items-list can be considered as EOR Marker for all afis".
    if (publish.items.length === 0) return [{ kind: 'end-of-rib' }];
    return assemble(publish, stanza);
  }
}

function assemble(publish: PublishIq, collection: CollectionIq): AgentRouteUpdate[] {
  const ri = collection.node;
  const node = publish.node;
  const error = (e: ItemError): AgentRouteUpdate => ({ kind: 'item-error', ri, error: e });
  // Only reachable with an unnamed publish: the collection names no node, so the two matched on ''.
  if (collection.op === undefined) {
    return [
      error(
        itemError(
          'malformed-item',
          'route items with an empty collection (neither associate nor dissociate)',
          node,
        ),
      ),
    ];
  }
  const parsed = parsePublishNode(node);
  if (!parsed.ok) return [error(parsed.error)];
  if (ri === '') return [error(itemError('bad-node', 'collection without routing instance', node))];
  const { family, primaryInstanceId } = parsed.value;
  const extra = primaryInstanceId === undefined ? {} : { primaryInstanceId };
  return publish.items.map((item): AgentRouteUpdate => {
    const entryEl = child(item, 'entry');
    if (!entryEl) return error(itemError('malformed-item', 'item without <entry>', node));
    if (collection.op === 'dissociate') {
      const nlri = decodeEntryNlri(entryEl, family, node);
      if (!nlri.ok) return error(nlri.error);
      return { kind: 'route', op: 'delete', ri, family, nlri: nlri.value, node, ...extra };
    }
    const entry = decodeEntry(entryEl, family, node);
    if (!entry.ok) return error(entry.error);
    const bad = validateAgentRoute(entry.value, 'add', ri, node);
    if (bad) return error(bad);
    return {
      kind: 'route',
      op: 'add',
      ri,
      family,
      nlri: entry.value.nlri,
      entry: entry.value,
      node,
      ...extra,
    };
  });
}
