-- The save: one statement, one round trip, its own transaction (plantrail.store.postgres_recorder).
--
-- In one transaction: the saves' turn (positions are issued in commit order, and the chain's
-- head cannot move), the check that the records the command only read are as
-- it read them, the events, their links, and the command ids (their primary key refuses a
-- repeat), each with a digest of its command and the position of its first event, which is
-- what verify and the application check a command log row against. Any failure rolls all
-- of it back; an integrity error says the command must be decided again on what is now
-- recorded (or, for a repeated command id, that it was recorded already).
--
-- It is the only way in for events: SECURITY DEFINER, so a role needs EXECUTE on it
-- (granted by the owner; docs/integrity.md) and no right to write the log, its chain or
-- the command log itself. An event put in any other way has no link, and verify reports it.
-- A definer's function runs with the search_path it sets, never the caller's: every name
-- below resolves in pg_catalog first, whatever anyone has defined elsewhere.
--
-- Slots filled by the recorder: {s} the schema, {fn} this function's name, {params} its
-- parameters, {events} {chain} {commands} the tables, {turn} the table saves take turns on,
-- {link} the chain's link of a row w (plantrail.store.chain.canonical_sql).
-- Braces of the SQL itself are doubled.
CREATE OR REPLACE FUNCTION {s}.{fn}({params})
RETURNS bigint[] LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  positions bigint[] := '{{}}'; prevs bigint[] := '{{}}'; links bytea[] := '{{}}';
  head_pos bigint; head_link bytea; w record;
BEGIN
  PERFORM set_config('lock_timeout', wait, true);
  -- One save at a time: the EXCLUSIVE lock of a table that holds nothing ({turn}), not the
  -- log's (v3). The log's conflicts with the lock a VACUUM or ANALYZE of it (autovacuum's, the
  -- import's) holds for its whole run: saves waited for it, or autovacuum was cancelled again
  -- and again. Nothing vacuums {turn} (it never changes), and only the owner may lock it (an
  -- advisory lock, which any role may take and hold, would let anyone stop every save). Then
  -- ROW EXCLUSIVE on the log, before the head is read: it waits for a save of an earlier
  -- version still holding the log's EXCLUSIVE lock, and holds one off until this commits.
  -- (lock_timeout bounds each of the two waits.)
  LOCK TABLE {s}.{turn} IN EXCLUSIVE MODE;
  LOCK TABLE {s}.{events} IN ROW EXCLUSIVE MODE;
  -- LATERAL ... LIMIT 1: one index probe per record read. (A plain join gets a generic
  -- plan that may scan the whole log: it did, and slowed with every event.)
  IF read_ids IS NOT NULL AND EXISTS (
    SELECT 1 FROM unnest(read_ids, read_versions) AS r(id, version) CROSS JOIN LATERAL (
      SELECT 1 FROM {s}.{events} e WHERE e.originator_id = r.id AND e.originator_version > r.version
      LIMIT 1) AS later) THEN
    RAISE EXCEPTION 'plantrail: a record this command read has changed meanwhile'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  SELECT position, link INTO head_pos, head_link FROM {s}.{chain} ORDER BY position DESC LIMIT 1;
  IF NOT FOUND THEN head_pos := 0; head_link := decode(repeat('00', 32), 'hex'); END IF;
  -- The rows come back in the order they were numbered; the check below refuses the save
  -- (never chains it out of order) were that ever not so.
  FOR w IN INSERT INTO {s}.{events} (originator_id, originator_version, topic, state)
      SELECT * FROM unnest(oids, vers, topics, states)
      RETURNING notification_id, originator_id, originator_version, topic, state LOOP
    IF w.notification_id <= head_pos THEN
      RAISE EXCEPTION 'plantrail: event position % is not after the chain head %', w.notification_id, head_pos;
    END IF;
    head_link := pg_catalog.sha256(head_link OPERATOR(pg_catalog.||) {link});
    positions := positions || w.notification_id; prevs := prevs || head_pos; links := links || head_link;
    head_pos := w.notification_id;
  END LOOP;
  -- One INSERT for the whole save's links (row by row cost ~3x more on a large batch).
  INSERT INTO {s}.{chain} (position, prev_position, link) SELECT * FROM unnest(positions, prevs, links);
  IF command_ids IS NOT NULL THEN
    INSERT INTO {s}.{commands} (command_id, result, digest, position)
      SELECT c.id, c.result, c.digest, positions[c.first::int + 1]
      FROM unnest(command_ids, results, digests, firsts) AS c(id, result, digest, first);
  END IF;
  RETURN positions;
END $body$
