import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { CONTROL_NODE_JID, MAX_HEADER_BYTES, MAX_STANZA_BYTES, STREAM_NS } from './constants';
import { XmppStreamError, type StreamErrorCondition } from './errors';
import type { XmlElement } from './xml';

/** Attributes of the `<stream:stream>` open tag. */
export interface StreamHeader {
  from?: string;
  to?: string;
  id?: string;
  version?: string;
  lang?: string;
  /** Every attribute as written, namespace declarations included. */
  attrs: Record<string, string>;
}

export type StreamEvent =
  | { type: 'header'; header: StreamHeader }
  /** One depth-1 element. `raw` is its exact text as received, `bytes` its UTF-8 size. */
  | { type: 'stanza'; element: XmlElement; raw: string; bytes: number }
  /** Whitespace between stanzas (space, TAB, CR, LF, or TF's U+0200 = bytes 0xC8 0x80). */
  | { type: 'keepalive' }
  /** `</stream:stream>` received. */
  | { type: 'close' }
  /** Stream-fatal; the parser accepts nothing afterwards. */
  | { type: 'error'; error: XmppStreamError };

export interface StreamParserOptions {
  /** When set, a header whose `to` differs is rejected with `host-unknown`. */
  expectTo?: string;
  /** When true, a header without a non-empty `from` is rejected with `invalid-from`. */
  requireFrom?: boolean;
  /** Default 4 MiB (spec D); larger stanzas are a `policy-violation`. */
  maxStanzaBytes?: number;
  /** Characters before the stream header is complete; default MAX_HEADER_BYTES, more is a `policy-violation`. */
  maxHeaderBytes?: number;
  /** Element nesting limit inside a stanza (protects recursive consumers); default 64. */
  maxDepth?: number;
  /** Depth-1 element names accepted; anything else is `unsupported-stanza-type`. */
  stanzaNames?: readonly string[];
}

/** The depth-1 elements TF's state machine knows (xmpp_proto.cc: iq, message, TLS negotiation). */
export const DEFAULT_STANZA_NAMES: readonly string[] = [
  'iq',
  'message',
  'stream:error',
  'stream:features',
  'starttls',
  'proceed',
  'failure',
];

const KEEPALIVE_CHARS = new Set([' ', '\t', '\r', '\n', '\u0200']);
const isKeepalive = (s: string): boolean => {
  for (const c of s) if (!KEEPALIVE_CHARS.has(c)) return false;
  return true;
};

/** Thrown from saxes handlers to abandon the rest of a chunk once the stream is dead. */
const ABORT = Symbol('abort');

/**
 * Incremental XMPP stream reader: bytes in (any chunking), stream events out. No sockets, no timers.
 *
 * XML is parsed by saxes; this class adds XMPP's stream rules on top: XML 1.0 only, no DTD, comments or
 * processing instructions (RFC 6120 §11.1 `restricted-xml`), only predefined entities (saxes knows no
 * others, so `&foo;` is `not-well-formed` and nothing is ever expanded), depth-1 text only as keepalive
 * whitespace, a stanza size limit, and header checks.
 *
 * `push` never throws; a stream-fatal problem comes back as one `error` event, after which the parser
 * ignores input.
 */
export class StreamParser {
  private readonly sax: SaxesParser;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly opts: Required<Omit<StreamParserOptions, 'expectTo'>> & { expectTo?: string };
  private readonly stanzaNames: ReadonlySet<string>;

  private out: StreamEvent[] = [];
  private dead = false;
  private streamClosed = false;
  /** Open elements: [0] is `stream:stream`, [1] the current stanza. */
  private stack: XmlElement[] = [];
  private depth = 0;

  /**
   * Everything received since the last boundary (header end, stanza end): keepalive whitespace, then
   * possibly the start of the next stanza. `windowStart` is its global character position.
   */
  private window = '';
  private windowStart = 0;
  /** Characters of `window` already reported as keepalive. */
  private keepaliveReported = 0;
  /** Keepalive characters received since the last stanza, to bound what saxes buffers. */
  private idleChars = 0;

  constructor(options: StreamParserOptions = {}) {
    this.opts = {
      requireFrom: options.requireFrom ?? false,
      maxStanzaBytes: options.maxStanzaBytes ?? MAX_STANZA_BYTES,
      maxHeaderBytes: options.maxHeaderBytes ?? MAX_HEADER_BYTES,
      maxDepth: options.maxDepth ?? 64,
      stanzaNames: options.stanzaNames ?? DEFAULT_STANZA_NAMES,
      ...(options.expectTo !== undefined ? { expectTo: options.expectTo } : {}),
    };
    this.stanzaNames = new Set(this.opts.stanzaNames);
    this.sax = new SaxesParser({ xmlns: false, position: true, defaultXMLVersion: '1.0' });
    this.sax.on('xmldecl', (d) => {
      if (d.version !== '1.0') this.fail('not-well-formed', `XML version ${d.version} (only 1.0 is spoken)`);
      if (d.encoding !== undefined && d.encoding.toLowerCase() !== 'utf-8') {
        this.fail('unsupported-encoding', `encoding ${d.encoding}`);
      }
    });
    this.sax.on('doctype', () => this.fail('restricted-xml', 'DTD not allowed'));
    this.sax.on('processinginstruction', () =>
      this.fail('restricted-xml', 'processing instruction not allowed'),
    );
    this.sax.on('comment', () => this.fail('restricted-xml', 'comment not allowed'));
    this.sax.on('opentagstart', (t) => this.onOpenTagStart(t.name));
    this.sax.on('opentag', (t) => this.onOpenTag(t as SaxesTagPlain));
    this.sax.on('text', (t) => this.onText(t));
    this.sax.on('cdata', (t) => this.onText(t));
    this.sax.on('closetag', () => this.onCloseTag());
    this.sax.on('error', (e) => this.fail('not-well-formed', e.message));
  }

  /** Control-node side: the agent must address the control node and name itself. */
  static forControlNode(options: StreamParserOptions = {}): StreamParser {
    return new StreamParser({ expectTo: CONTROL_NODE_JID, requireFrom: true, ...options });
  }

  /** Agent side: the control node's answer is not checked beyond XMPP's own rules. */
  static forAgent(options: StreamParserOptions = {}): StreamParser {
    return new StreamParser(options);
  }

  /** True once an `error` event was returned. */
  get failed(): boolean {
    return this.dead;
  }

  /** Characters held for an unfinished header or stanza (what a peer can make this parser keep). */
  get buffered(): number {
    return this.window.length;
  }

  /** True once `</stream:stream>` was received. */
  get closed(): boolean {
    return this.streamClosed;
  }

  push(chunk: Uint8Array | string): StreamEvent[] {
    if (this.dead) return [];
    this.out = [];
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else {
      try {
        text = this.decoder.decode(chunk, { stream: true });
      } catch {
        this.fail('not-well-formed', 'invalid UTF-8', false);
        return this.out;
      }
    }
    if (text.length === 0) return this.out;
    this.window += text;
    try {
      this.sax.write(text);
      this.afterChunk();
    } catch (e) {
      if (e !== ABORT) this.fail('internal-server-error', `parser failure: ${String(e)}`, false);
    }
    return this.out;
  }

  private fail(condition: StreamErrorCondition, message: string, abort = true): void {
    if (this.dead) return;
    this.dead = true;
    this.out.push({ type: 'error', error: new XmppStreamError(condition, message) });
    this.window = '';
    if (abort) throw ABORT;
  }

  /** Global character index of the next character saxes will read. */
  private get position(): number {
    return this.sax.position;
  }

  private onOpenTagStart(name: string): void {
    if (this.depth === 0 && name !== 'stream:stream') {
      this.fail('not-well-formed', `expected <stream:stream>, got <${name}>`);
    }
    if (this.streamClosed) this.fail('not-well-formed', 'data after </stream:stream>');
    if (this.depth === 1) {
      if (!this.stanzaNames.has(name)) this.fail('unsupported-stanza-type', `<${name}> is not a stanza`);
      this.flushKeepalive(this.stanzaStartIndex());
    }
    if (this.depth > this.opts.maxDepth)
      this.fail('policy-violation', `elements nested deeper than ${this.opts.maxDepth}`);
  }

  private onOpenTag(tag: SaxesTagPlain): void {
    const attrs: Record<string, string> = { ...tag.attributes };
    if (this.depth === 0) {
      this.checkHeader(attrs);
      this.depth = 1;
      this.stack = [{ name: tag.name, attrs, children: [], text: '' }];
      this.out.push({ type: 'header', header: headerOf(attrs) });
      this.boundary();
      return;
    }
    const el: XmlElement = { name: tag.name, attrs, children: [], text: '' };
    // Stanzas are handed out one by one; keeping them under the stream root would hold every stanza of a
    // long-lived stream in memory.
    if (this.depth > 1) this.stack[this.stack.length - 1]!.children.push(el);
    this.stack.push(el);
    this.depth++;
    this.checkSizeSoFar();
  }

  private onText(t: string): void {
    if (this.depth === 1) {
      if (!isKeepalive(t)) this.fail('not-well-formed', 'character data between stanzas');
      return;
    }
    if (this.depth >= 2) {
      this.stack[this.stack.length - 1]!.text += t;
      this.checkSizeSoFar();
    }
  }

  private onCloseTag(): void {
    if (this.depth === 1) {
      this.flushKeepalive(this.stanzaStartIndex());
      this.depth = 0;
      this.stack = [];
      this.streamClosed = true;
      this.out.push({ type: 'close' });
      this.boundary();
      return;
    }
    const el = this.stack.pop()!;
    this.depth--;
    if (this.depth > 1) return;
    const start = this.stanzaStartIndex();
    const raw = this.window.slice(start, this.position - this.windowStart);
    const bytes = Buffer.byteLength(raw, 'utf8');
    if (bytes > this.opts.maxStanzaBytes) {
      this.fail('policy-violation', `stanza of ${bytes} bytes exceeds ${this.opts.maxStanzaBytes}`);
    }
    this.out.push({ type: 'stanza', element: el, raw, bytes });
    this.boundary();
  }

  private checkHeader(attrs: Record<string, string>): void {
    if (attrs['xmlns:stream'] !== STREAM_NS) {
      this.fail('invalid-namespace', `stream namespace must be ${STREAM_NS}`);
    }
    if (attrs['version'] !== '1.0')
      this.fail('unsupported-version', `stream version ${attrs['version'] ?? '(none)'}`);
    const { expectTo, requireFrom } = this.opts;
    if (expectTo !== undefined && attrs['to'] !== expectTo) {
      this.fail('host-unknown', `stream addressed to ${attrs['to'] ?? '(nobody)'}`);
    }
    if (requireFrom && !attrs['from']) this.fail('invalid-from', 'stream header without from');
  }

  /** Index in `window` of the `<` opening the current stanza: the only `<` after keepalive whitespace. */
  private stanzaStartIndex(): number {
    const i = this.window.indexOf('<', this.keepaliveReported);
    return i < 0 ? this.window.length : i;
  }

  /** Reports `window[keepaliveReported, end)` as a keepalive if it holds anything. */
  private flushKeepalive(end: number): void {
    if (end > this.keepaliveReported) {
      const ws = this.window.slice(this.keepaliveReported, end);
      // saxes already rejected anything else via onText; guard anyway so `raw` slicing stays sound.
      if (!isKeepalive(ws)) this.fail('not-well-formed', 'character data between stanzas');
      this.out.push({ type: 'keepalive' });
      this.keepaliveReported = end;
    }
  }

  /** Drops what has been consumed up to the current position. */
  private boundary(): void {
    const consumed = this.position - this.windowStart;
    this.window = this.window.slice(consumed);
    this.windowStart = this.position;
    this.keepaliveReported = 0;
  }

  private checkSizeSoFar(): void {
    // Characters never outnumber UTF-8 bytes, so this is a sound early check; the exact one is at the end.
    const chars = this.position - this.windowStart - this.stanzaStartIndex();
    if (chars > this.opts.maxStanzaBytes) {
      this.fail('policy-violation', `stanza exceeds ${this.opts.maxStanzaBytes} bytes`);
    }
  }

  private afterChunk(): void {
    if (this.depth === 0 && !this.streamClosed) {
      // Still no complete header: saxes keeps the open tag's attributes (and whitespace before it) whole.
      if (this.window.length > this.opts.maxHeaderBytes) {
        this.fail('policy-violation', `stream header exceeds ${this.opts.maxHeaderBytes} bytes`, false);
      }
      return;
    }
    if (this.streamClosed) {
      // Only whitespace may follow (saxes refuses the rest), and nothing of it is reported.
      this.window = '';
      return;
    }
    if (this.depth === 1) {
      // Report idle whitespace now rather than when the next stanza arrives: it feeds the hold timer.
      let end = this.keepaliveReported;
      while (end < this.window.length && KEEPALIVE_CHARS.has(this.window[end]!)) end++;
      this.flushKeepalive(end);
      if (end < this.window.length && this.window[end] !== '<') {
        this.fail('not-well-formed', 'character data between stanzas', false);
        return;
      }
      if (end === this.window.length) {
        // Whitespace is not kept: only the position matters.
        this.windowStart += this.window.length;
        this.window = '';
        this.keepaliveReported = 0;
        this.idleChars += end;
        if (this.idleChars > this.opts.maxStanzaBytes) {
          // saxes buffers depth-1 text until the next '<'; do not let a peer grow it without bound.
          this.fail('policy-violation', 'too much whitespace between stanzas', false);
        }
        return;
      }
    }
    this.idleChars = 0;
    if (this.depth >= 2 || this.window.length > 0) {
      const pending = this.window.length - this.stanzaStartIndex();
      if (pending > this.opts.maxStanzaBytes) {
        this.fail('policy-violation', `stanza exceeds ${this.opts.maxStanzaBytes} bytes`, false);
      }
    }
  }
}

function headerOf(attrs: Record<string, string>): StreamHeader {
  const h: StreamHeader = { attrs };
  if (attrs['from'] !== undefined) h.from = attrs['from'];
  if (attrs['to'] !== undefined) h.to = attrs['to'];
  if (attrs['id'] !== undefined) h.id = attrs['id'];
  if (attrs['version'] !== undefined) h.version = attrs['version'];
  if (attrs['xml:lang'] !== undefined) h.lang = attrs['xml:lang'];
  return h;
}
