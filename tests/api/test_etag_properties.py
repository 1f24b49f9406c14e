"""List-page ETags over generated pages (issue 20, point 3): any change to a page's rows gives another ETag, so
a client holding the old one never gets a stale 304. An edit moves the edited row's updated_at past every
other row's (it is set to now), wherever that row is on the page; rows added, removed or reordered, or another
total count, change it too; the same rows give the same tag.

Bounded and deterministic: derandomized, no deadline, no example database. The rows are plain objects with the
two attributes the tag reads (pk, updated_at): the views pass the rows they loaded."""

import datetime
from types import SimpleNamespace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tracker.api.conditional import etag_matches, etag_matches_strongly, page_etag, record_etag

PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)

# Hypothesis takes naive bounds and attaches the zone itself.
instants = st.datetimes(
    min_value=datetime.datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime.datetime(2030, 1, 1),  # noqa: DTZ001
    timezones=st.just(datetime.UTC),
)
pages = st.lists(st.tuples(st.integers(1, 10_000), instants), min_size=1, max_size=8, unique_by=lambda row: row[0])
counts = st.one_of(st.none(), st.integers(0, 100_000))


def _rows(page):
    return [SimpleNamespace(pk=pk, updated_at=updated_at) for pk, updated_at in page]


@PROPERTY
@given(pages, counts)
def test_the_same_rows_give_the_same_weak_tag(page, count):
    etag = page_etag(_rows(page), count)
    assert etag == page_etag(_rows(page), count)
    assert etag.startswith('W/"') and etag.endswith('"')
    assert etag_matches(etag, etag) and etag_matches(etag[2:], etag)  # If-None-Match compares weakly
    assert not etag_matches_strongly(etag, etag)  # a weak tag never satisfies If-Match


@PROPERTY
@given(pages, counts, st.data())
def test_an_edit_to_any_row_changes_the_tag(page, count, data):
    index = data.draw(st.integers(0, len(page) - 1))
    newest = max(updated_at for _, updated_at in page)
    later = newest + data.draw(st.timedeltas(datetime.timedelta(microseconds=1), datetime.timedelta(days=30)))
    edited = [*page]
    edited[index] = (page[index][0], later)
    assert page_etag(_rows(edited), count) != page_etag(_rows(page), count)


@PROPERTY
@given(pages, counts, st.data())
def test_any_change_to_the_newest_row_s_timestamp_changes_the_tag(page, count, data):
    newest = max(range(len(page)), key=lambda index: page[index][1])
    moved = data.draw(instants)
    assume(moved != page[newest][1])
    edited = [*page]
    edited[newest] = (page[newest][0], moved)
    assume(max(updated_at for _, updated_at in edited) != page[newest][1])
    assert page_etag(_rows(edited), count) != page_etag(_rows(page), count)


@PROPERTY
@given(pages, counts, st.data())
def test_rows_added_removed_or_reordered_or_another_count_change_the_tag(page, count, data):
    etag = page_etag(_rows(page), count)
    if len(page) > 1:
        assert page_etag(_rows(page[:-1]), count) != etag
        reordered = data.draw(st.permutations(page))
        assume(reordered != page)
        assert page_etag(_rows(reordered), count) != etag
    new_pk = data.draw(st.integers(10_001, 20_000))
    assert page_etag(_rows([*page, (new_pk, page[0][1])]), count) != etag
    other_count = data.draw(counts)
    assume(other_count != count)
    assert page_etag(_rows(page), other_count) != etag


@PROPERTY
@given(st.integers(1, 10**9), instants, instants)
def test_a_record_tag_is_strong_and_moves_with_its_version(pk, first, second):
    row = SimpleNamespace(pk=pk, updated_at=first)
    etag = record_etag(row)
    assert etag_matches_strongly(etag, etag) and etag_matches_strongly(f'"x", {etag} ', etag)
    assert etag_matches(f"W/{etag}", etag)
    assume(first != second)
    assert record_etag(SimpleNamespace(pk=pk, updated_at=second)) != etag
    assert not etag_matches(record_etag(SimpleNamespace(pk=pk, updated_at=second)), etag)


@PROPERTY
@given(pages, counts)
def test_any_tag_matches_a_star_and_a_list_written_without_spaces(page, count):
    etag = page_etag(_rows(page), count)
    assert etag_matches("*", etag) and etag_matches(f'"other",{etag}', etag)
    record = record_etag(SimpleNamespace(pk=page[0][0], updated_at=page[0][1]))
    assert etag_matches_strongly(f'"other",{record}', record)


def test_an_empty_page_has_a_tag_too():
    assert page_etag([], 0).startswith('W/"')
    assert page_etag([], 0) == page_etag([], 0) != page_etag([], 1)
