/**
 * Tables and PL/pgSQL functions of the allocators. The store's migration runs IPAM_DDL once; every statement
 * is idempotent (IF NOT EXISTS / OR REPLACE), and nothing beyond core PostgreSQL and plpgsql is used, so it
 * runs on PostgreSQL 15+ and on PGlite.
 *
 * Shape (one "pool" per subnet and per identifier space):
 *   ipam_used  (pool_id, value) primary key: the truth. A value is taken iff it has a row here.
 *   ipam_free  candidates, filled lazily chunk by chunk in allocation order from the pool's fill_cursor;
 *              taking one is `FOR UPDATE SKIP LOCKED` + DELETE, so concurrent transactions never queue on
 *              each other and a rollback puts the candidate back. Freed values come back as `recycled` rows.
 *   ipam_pool  direction, ranges, fill_cursor, scan_from; its row is locked only by a fill (once per chunk).
 * A candidate may be stale (the value got reserved meanwhile): the INSERT into ipam_used then conflicts and
 * the allocator moves on, so the free list only has to be a superset hint, never exact.
 *
 * Callers run at READ COMMITTED (each statement sees the latest commits), inside their own transaction.
 */
export const IPAM_DDL = String.raw`
CREATE TABLE IF NOT EXISTS ipam_pool (
  pool_id     bigserial PRIMARY KEY,
  -- identifier pools are named ('virtual-network-id', ...); subnet pools are reached through ipam_subnet
  name        text UNIQUE,
  descending  boolean   NOT NULL,
  -- allocation ranges as lo1, hi1, lo2, hi2, ... ascending and disjoint; '{}' until an allocation sets them
  ranges      numeric[] NOT NULL,
  -- the next value a fill looks at, in allocation order; NULL once every range is in the free list
  fill_cursor numeric,
  -- no sequential candidate better than this is still live, except ones a rollback restored (the
  -- exhaustion path scans without it); keeps scans from wading through the dead entries of taken values
  scan_from   numeric,
  chunk       integer   NOT NULL
);

CREATE TABLE IF NOT EXISTS ipam_subnet (
  subnet_uuid     text     PRIMARY KEY,
  pool_id         bigint   NOT NULL UNIQUE,
  owner_kind      text     NOT NULL,
  owner_uuid      text     NOT NULL,
  owner_label     text     NOT NULL,
  position        integer  NOT NULL,
  family          smallint NOT NULL,
  name            text     NOT NULL,
  network         numeric  NOT NULL,
  prefix_len      smallint NOT NULL,
  last            numeric  NOT NULL,
  gateway         numeric,
  dns             numeric,
  addr_from_start boolean  NOT NULL,
  ipam_subnet     jsonb    NOT NULL
);
CREATE INDEX IF NOT EXISTS ipam_subnet_owner ON ipam_subnet (owner_uuid, position);

CREATE TABLE IF NOT EXISTS ipam_used (
  pool_id bigint  NOT NULL,
  value   numeric NOT NULL,
  -- r: reserved by the subnet itself (network, broadcast, gateway, DNS); o: held by an object; a: anonymous
  kind    text    NOT NULL CHECK (kind IN ('r', 'o', 'a')),
  owner   text,
  PRIMARY KEY (pool_id, value)
);
CREATE INDEX IF NOT EXISTS ipam_used_owner ON ipam_used (owner) WHERE owner IS NOT NULL;

-- A queue table: rows are inserted and deleted all day, so vacuum it on row counts, not table size.
CREATE TABLE IF NOT EXISTS ipam_free (
  pool_id  bigint  NOT NULL,
  recycled boolean NOT NULL,
  value    numeric NOT NULL,
  PRIMARY KEY (pool_id, recycled, value)
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 5000);

CREATE OR REPLACE FUNCTION ipam_in_ranges(p_ranges numeric[], p_value numeric) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT EXISTS (
    SELECT 1 FROM generate_series(1, coalesce(array_length(p_ranges, 1), 0) - 1, 2) AS i
    WHERE p_value BETWEEN p_ranges[i] AND p_ranges[i + 1])
$fn$;

-- The first value a fill visits: the top of the highest range, or the bottom of the lowest.
CREATE OR REPLACE FUNCTION ipam_range_start(p_ranges numeric[], p_descending boolean) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE WHEN coalesce(array_length(p_ranges, 1), 0) = 0 THEN NULL
              WHEN p_descending THEN p_ranges[array_length(p_ranges, 1)]
              ELSE p_ranges[1] END
$fn$;

CREATE OR REPLACE FUNCTION ipam_range_size(p_ranges numeric[]) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT coalesce(sum(p_ranges[i + 1] - p_ranges[i] + 1), 0)
  FROM generate_series(1, coalesce(array_length(p_ranges, 1), 0) - 1, 2) AS i
$fn$;

-- Point a pool at new ranges or a new direction: the free list is rebuilt lazily from scratch; values in
-- ipam_used stay taken (they are owned by objects, in or out of the new ranges).
CREATE OR REPLACE FUNCTION ipam_pool_reset(p_pool bigint, p_descending boolean, p_ranges numeric[]) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM 1 FROM ipam_pool WHERE pool_id = p_pool FOR NO KEY UPDATE;
  UPDATE ipam_pool
     SET descending = p_descending, ranges = p_ranges,
         fill_cursor = ipam_range_start(p_ranges, p_descending), scan_from = NULL,
         chunk = greatest(1, least(64, ipam_range_size(p_ranges)))::integer
   WHERE pool_id = p_pool;
  DELETE FROM ipam_free WHERE pool_id = p_pool;
  PERFORM set_config('skein_ipam.h' || p_pool, '', true);
END
$fn$;

-- Locks and returns the best candidate of one region of a pool's free list within [p_lo, p_hi] (NULL: no
-- bound), skipping candidates other transactions are taking. The bounds are coalesce()d rather than
-- "p IS NULL OR ..." so that a cached generic plan still bounds the index scan.
CREATE OR REPLACE FUNCTION ipam_scan(p_pool bigint, p_recycled boolean, p_descending boolean,
                                     p_lo numeric, p_hi numeric) RETURNS numeric
LANGUAGE plpgsql AS $fn$
DECLARE
  v numeric;
BEGIN
  IF p_descending THEN
    SELECT f.value INTO v FROM ipam_free f
     WHERE f.pool_id = p_pool AND f.recycled = p_recycled
       AND f.value BETWEEN coalesce(p_lo, '-Infinity') AND coalesce(p_hi, 'Infinity')
     ORDER BY f.value DESC LIMIT 1 FOR UPDATE SKIP LOCKED;
  ELSE
    SELECT f.value INTO v FROM ipam_free f
     WHERE f.pool_id = p_pool AND f.recycled = p_recycled
       AND f.value BETWEEN coalesce(p_lo, '-Infinity') AND coalesce(p_hi, 'Infinity')
     ORDER BY f.value LIMIT 1 FOR UPDATE SKIP LOCKED;
  END IF;
  RETURN v;
END
$fn$;

-- Freed values parked beyond the fill cursor, in [p_lo, p_hi], become sequential candidates: each recycled
-- row is moved, not just deleted. The fill's INSERT above skipped every value its snapshot saw held; one
-- whose holder freed it and committed after that snapshot is visible to this later statement only as a
-- recycled row, and deleting that row would lose the value for good (the cursor has moved past it). A
-- moved value that is held again meanwhile is a stale candidate, which takes skip. One that a reservation
-- is taking is left alone (a duplicate candidate is harmless): waiting for it here, holding the pool row,
-- could deadlock with that transaction's next fill.
CREATE OR REPLACE FUNCTION ipam_unpark(p_pool bigint, p_lo numeric, p_hi numeric) RETURNS void
LANGUAGE sql AS $fn$
  WITH moved AS (
    DELETE FROM ipam_free d WHERE d.pool_id = p_pool AND d.recycled AND d.value IN (
      SELECT x.value FROM ipam_free x WHERE x.pool_id = p_pool AND x.recycled AND x.value BETWEEN p_lo AND p_hi
      FOR UPDATE SKIP LOCKED)
    RETURNING d.value
  )
  INSERT INTO ipam_free (pool_id, recycled, value) SELECT p_pool, false, value FROM moved ON CONFLICT DO NOTHING
$fn$;

-- Moves the next chunk of the pool's ranges into the free list. p_wait = false is the opportunistic
-- prefill: it gives up ('busy') when another transaction is filling. Returns 'filled', 'available'
-- (someone else's fill became visible while we waited), 'busy' or 'done' (nothing left to fill).
CREATE OR REPLACE FUNCTION ipam_fill(p_pool bigint, p_wait boolean) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  pr ipam_pool%ROWTYPE;
  nr integer;
  i integer;
  remaining numeric;
  cur numeric;
  a numeric;
  b numeric;
  next_cursor numeric;
  best numeric;
BEGIN
  IF p_wait THEN
    SELECT * INTO pr FROM ipam_pool WHERE pool_id = p_pool FOR NO KEY UPDATE;
    IF NOT FOUND THEN RETURN 'done'; END IF;
    -- While we queued for the row lock, the previous filler may have committed its chunk.
    IF (CASE WHEN pr.descending THEN ipam_scan(p_pool, false, true, NULL, pr.scan_from)
             ELSE ipam_scan(p_pool, false, false, pr.scan_from, NULL) END) IS NOT NULL THEN
      RETURN 'available';
    END IF;
  ELSE
    SELECT * INTO pr FROM ipam_pool WHERE pool_id = p_pool FOR NO KEY UPDATE SKIP LOCKED;
    IF NOT FOUND THEN RETURN 'busy'; END IF;
  END IF;
  IF pr.fill_cursor IS NULL THEN RETURN 'done'; END IF;

  nr := coalesce(array_length(pr.ranges, 1), 0) / 2;
  remaining := pr.chunk;
  cur := pr.fill_cursor;
  next_cursor := NULL;
  IF pr.descending THEN
    FOR i IN REVERSE nr..1 LOOP
      CONTINUE WHEN pr.ranges[2 * i - 1] > cur;
      IF remaining <= 0 THEN
        next_cursor := least(pr.ranges[2 * i], cur);
        EXIT;
      END IF;
      b := least(pr.ranges[2 * i], cur);
      a := greatest(pr.ranges[2 * i - 1], b - remaining + 1);
      INSERT INTO ipam_free (pool_id, recycled, value)
        SELECT p_pool, false, v FROM generate_series(b, a, -1::numeric) AS v
         WHERE NOT EXISTS (SELECT 1 FROM ipam_used u WHERE u.pool_id = p_pool AND u.value = v)
        ON CONFLICT DO NOTHING;
      PERFORM ipam_unpark(p_pool, a, b);
      remaining := remaining - (b - a + 1);
      cur := a - 1;
      IF a > pr.ranges[2 * i - 1] THEN
        next_cursor := cur;
        EXIT;
      END IF;
    END LOOP;
    SELECT f.value INTO best FROM ipam_free f
     WHERE f.pool_id = p_pool AND NOT f.recycled AND f.value <= coalesce(pr.scan_from, 'Infinity')
     ORDER BY f.value DESC LIMIT 1;
  ELSE
    FOR i IN 1..nr LOOP
      CONTINUE WHEN pr.ranges[2 * i] < cur;
      IF remaining <= 0 THEN
        next_cursor := greatest(pr.ranges[2 * i - 1], cur);
        EXIT;
      END IF;
      a := greatest(pr.ranges[2 * i - 1], cur);
      b := least(pr.ranges[2 * i], a + remaining - 1);
      INSERT INTO ipam_free (pool_id, recycled, value)
        SELECT p_pool, false, v FROM generate_series(a, b) AS v
         WHERE NOT EXISTS (SELECT 1 FROM ipam_used u WHERE u.pool_id = p_pool AND u.value = v)
        ON CONFLICT DO NOTHING;
      PERFORM ipam_unpark(p_pool, a, b);
      remaining := remaining - (b - a + 1);
      cur := b + 1;
      IF b < pr.ranges[2 * i] THEN
        next_cursor := cur;
        EXIT;
      END IF;
    END LOOP;
    SELECT f.value INTO best FROM ipam_free f
     WHERE f.pool_id = p_pool AND NOT f.recycled AND f.value >= coalesce(pr.scan_from, '-Infinity')
     ORDER BY f.value LIMIT 1;
  END IF;

  UPDATE ipam_pool
     SET fill_cursor = next_cursor, scan_from = coalesce(best, pr.scan_from)
   WHERE pool_id = p_pool;
  RETURN 'filled';
END
$fn$;

-- Takes the best free value of a pool for p_owner, or returns NULL when the pool is exhausted.
CREATE OR REPLACE FUNCTION ipam_take(p_pool bigint, p_owner text, p_kind text) RETURNS numeric
LANGUAGE plpgsql AS $fn$
DECLARE
  pr record;
  v numeric;
  rec boolean;
  hint numeric;
  unbounded boolean := false;
  -- The values this transaction took are deleted-but-uncommitted, so its own scans cannot skip them as
  -- dead; a transaction-local setting remembers where its last sequential take was.
  guc text := 'skein_ipam.h' || p_pool;
BEGIN
  SELECT descending, fill_cursor, scan_from, chunk INTO pr FROM ipam_pool WHERE pool_id = p_pool;
  IF NOT FOUND THEN RETURN NULL; END IF;
  LOOP
    -- Freed values first, but only those inside the filled part: beyond the cursor they would jump the order.
    IF pr.descending THEN
      v := ipam_scan(p_pool, true, true, pr.fill_cursor + 1, NULL);
    ELSE
      v := ipam_scan(p_pool, true, false, NULL, pr.fill_cursor - 1);
    END IF;
    rec := v IS NOT NULL;
    IF NOT rec AND unbounded THEN
      v := ipam_scan(p_pool, false, pr.descending, NULL, NULL);
    ELSIF NOT rec THEN
      hint := nullif(current_setting(guc, true), '')::numeric;
      IF hint IS NOT NULL AND (pr.scan_from IS NULL OR (pr.descending AND hint < pr.scan_from)
                               OR (NOT pr.descending AND hint > pr.scan_from)) THEN
        v := CASE WHEN pr.descending THEN ipam_scan(p_pool, false, true, NULL, hint)
                  ELSE ipam_scan(p_pool, false, false, hint, NULL) END;
      END IF;
      -- Without the hint when it found nothing: others' rollbacks may have restored better candidates.
      IF v IS NULL THEN
        v := CASE WHEN pr.descending THEN ipam_scan(p_pool, false, true, NULL, pr.scan_from)
                  ELSE ipam_scan(p_pool, false, false, pr.scan_from, NULL) END;
      END IF;
    END IF;
    IF v IS NULL THEN
      IF unbounded THEN RETURN NULL; END IF;
      -- Last resort before "exhausted": candidates a rollback restored behind scan_from. A pool that is
      -- all filled already needs no fill (and so takes no lock on its row).
      IF pr.fill_cursor IS NULL OR ipam_fill(p_pool, true) = 'done' THEN
        unbounded := true;
      END IF;
      SELECT descending, fill_cursor, scan_from, chunk INTO pr FROM ipam_pool WHERE pool_id = p_pool;
      IF NOT FOUND THEN RETURN NULL; END IF;
      CONTINUE;
    END IF;

    DELETE FROM ipam_free f WHERE f.pool_id = p_pool AND f.recycled = rec AND f.value = v;
    INSERT INTO ipam_used (pool_id, value, kind, owner) VALUES (p_pool, v, p_kind, p_owner)
      ON CONFLICT DO NOTHING;
    IF FOUND THEN
      IF NOT rec THEN PERFORM set_config(guc, v::text, true); END IF;
      -- Low water: start the next chunk while this one still has candidates, without ever waiting.
      IF pr.fill_cursor IS NOT NULL AND abs(v - pr.fill_cursor) <= pr.chunk / 2 THEN
        PERFORM ipam_fill(p_pool, false);
      END IF;
      RETURN v;
    END IF;
    -- a stale candidate (reserved meanwhile): it is gone from the free list now; try the next one
  END LOOP;
END
$fn$;

-- Takes p_value for p_owner. ok = false reports who holds it (kind 'r' for the subnet's own reservations).
-- The free-list row is removed first, the same order ipam_take uses, so the two cannot deadlock.
CREATE OR REPLACE FUNCTION ipam_reserve(p_pool bigint, p_value numeric, p_owner text, p_kind text,
                                        OUT ok boolean, OUT held_by text, OUT held_kind text)
LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM ipam_free f WHERE f.pool_id = p_pool AND NOT f.recycled AND f.value = p_value;
  DELETE FROM ipam_free f WHERE f.pool_id = p_pool AND f.recycled AND f.value = p_value;
  INSERT INTO ipam_used (pool_id, value, kind, owner) VALUES (p_pool, p_value, p_kind, p_owner)
    ON CONFLICT DO NOTHING;
  IF FOUND THEN
    ok := true; held_by := p_owner; held_kind := p_kind;
    RETURN;
  END IF;
  ok := false;
  SELECT u.owner, u.kind INTO held_by, held_kind FROM ipam_used u WHERE u.pool_id = p_pool AND u.value = p_value;
END
$fn$;

-- Frees values (never the subnet's own reservations); p_owner / p_kind, when given, must match. Freed values
-- inside the pool's ranges go back to the free list as recycled candidates. Returns how many were freed.
CREATE OR REPLACE FUNCTION ipam_release(p_pool bigint, p_values numeric[], p_owner text, p_kind text)
RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  n integer;
BEGIN
  WITH d AS (
    DELETE FROM ipam_used u
     WHERE u.pool_id = p_pool AND u.value = ANY (p_values) AND u.kind <> 'r'
       AND (p_owner IS NULL OR u.owner = p_owner) AND (p_kind IS NULL OR u.kind = p_kind)
    RETURNING u.value
  ), r AS (
    INSERT INTO ipam_free (pool_id, recycled, value)
    SELECT p_pool, true, d.value FROM d, ipam_pool p
     WHERE p.pool_id = p_pool AND ipam_in_ranges(p.ranges, d.value)
    ON CONFLICT DO NOTHING
  )
  SELECT count(*) INTO n FROM d;
  RETURN n;
END
$fn$;

-- Frees everything an object held, in every pool (its addresses and identifiers), for deletes.
CREATE OR REPLACE FUNCTION ipam_release_owner(p_owner text) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  n integer;
BEGIN
  WITH d AS (
    DELETE FROM ipam_used u WHERE u.owner = p_owner AND u.kind <> 'r' RETURNING u.pool_id, u.value
  ), r AS (
    INSERT INTO ipam_free (pool_id, recycled, value)
    SELECT d.pool_id, true, d.value FROM d JOIN ipam_pool p ON p.pool_id = d.pool_id
     WHERE ipam_in_ranges(p.ranges, d.value)
    ON CONFLICT DO NOTHING
  )
  SELECT count(*) INTO n FROM d;
  RETURN n;
END
$fn$;

-- Up to p_count values from the subnets in the given order (the next subnet only when one is exhausted).
CREATE OR REPLACE FUNCTION ipam_alloc_subnets(p_subnets text[], p_count integer, p_owner text, p_kind text)
RETURNS TABLE (out_subnet text, out_value text)
LANGUAGE plpgsql AS $fn$
DECLARE
  s text;
  pid bigint;
  v numeric;
  got integer := 0;
BEGIN
  FOREACH s IN ARRAY p_subnets LOOP
    SELECT sn.pool_id INTO pid FROM ipam_subnet sn WHERE sn.subnet_uuid = s;
    CONTINUE WHEN NOT FOUND;
    WHILE got < p_count LOOP
      v := ipam_take(pid, p_owner, p_kind);
      EXIT WHEN v IS NULL;
      out_subnet := s;
      out_value := v::text;
      got := got + 1;
      RETURN NEXT;
    END LOOP;
    EXIT WHEN got >= p_count;
  END LOOP;
END
$fn$;

-- The pool of a named identifier space, created on first use. Ranges are set by allocations; a reservation
-- that comes first creates it with none.
CREATE OR REPLACE FUNCTION ipam_named_pool(p_name text) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
  pid bigint;
BEGIN
  SELECT p.pool_id INTO pid FROM ipam_pool p WHERE p.name = p_name;
  IF FOUND THEN RETURN pid; END IF;
  INSERT INTO ipam_pool (name, descending, ranges, fill_cursor, chunk)
  VALUES (p_name, false, '{}', NULL, 1)
  ON CONFLICT (name) DO NOTHING
  RETURNING pool_id INTO pid;
  IF pid IS NULL THEN
    SELECT p.pool_id INTO pid FROM ipam_pool p WHERE p.name = p_name;
  END IF;
  RETURN pid;
END
$fn$;

-- A named pool with its ranges set to [p_lo, p_hi] (re-seeding its free list when they changed).
CREATE OR REPLACE FUNCTION ipam_id_pool(p_name text, p_lo numeric, p_hi numeric) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
  pid bigint;
  rg numeric[];
BEGIN
  pid := ipam_named_pool(p_name);
  SELECT p.ranges INTO rg FROM ipam_pool p WHERE p.pool_id = pid;
  IF rg IS DISTINCT FROM ARRAY[p_lo, p_hi] THEN
    PERFORM ipam_pool_reset(pid, false, ARRAY[p_lo, p_hi]);
  END IF;
  RETURN pid;
END
$fn$;

-- Lowest free identifier of a named pool within [p_lo, p_hi]; NULL when exhausted.
CREATE OR REPLACE FUNCTION ipam_id_alloc(p_name text, p_lo numeric, p_hi numeric, p_owner text) RETURNS numeric
LANGUAGE sql AS $fn$
  SELECT ipam_take(ipam_id_pool(p_name, p_lo, p_hi), p_owner, 'o')
$fn$;
`;
