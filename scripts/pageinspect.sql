-- The test database's raw-page readers (run by scripts/test.sh as the postgres OS user).
--
-- tests/test_purge_postgres.py reads the heap and index pages of the ballot tables after a close
-- to prove that no row version written while voting is left, live or dead. pageinspect's
-- functions check for a superuser inside (a GRANT is not enough), so the tests call these two
-- wrappers instead: they run as their owner (a superuser) but read only a relation that the
-- calling user owns, and are granted to the test role alone.
CREATE EXTENSION IF NOT EXISTS pageinspect;

CREATE OR REPLACE FUNCTION public.survey_raw_page(rel regclass, block integer)
RETURNS bytea LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NOT pg_has_role(session_user,
                       (SELECT relowner FROM pg_class WHERE oid = rel), 'USAGE') THEN
        RAISE EXCEPTION 'only a relation of one''s own can be read';
    END IF;
    RETURN get_raw_page(rel::text, block);
END $$;

CREATE OR REPLACE FUNCTION public.survey_heap_items(rel regclass, block integer)
RETURNS TABLE (lp smallint, lp_flags smallint, t_xmin text, t_xmax text, t_ctid tid,
               t_data bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    RETURN QUERY SELECT h.lp, h.lp_flags, h.t_xmin::text, h.t_xmax::text, h.t_ctid, h.t_data
        FROM heap_page_items(public.survey_raw_page(rel, block)) AS h;
END $$;

REVOKE ALL ON FUNCTION public.survey_raw_page(regclass, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.survey_heap_items(regclass, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.survey_raw_page(regclass, integer) TO survey_test;
GRANT EXECUTE ON FUNCTION public.survey_heap_items(regclass, integer) TO survey_test;
