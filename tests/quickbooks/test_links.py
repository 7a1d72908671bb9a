"""
Links between local records and QuickBooks' (``sync.links``): records an update left behind in QuickBooks are no longer
synced until a link points at them again, a preview leaves nothing behind, and the links a round of writes sets are
saved together.
"""

import pytest

from apps.customers.models import ServiceLocation
from apps.quickbooks.models import LeftBehindRecord, RecordLink
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.preview import PlannedLinks, PreviewLinkSet
from tests.factories import DivisionFactory, ServiceLocationFactory

ENTITY = "Customer"


def test_a_record_left_behind_is_kept_once_and_taken_back_when_linked_again(division):
    location = ServiceLocationFactory(customer__division=division)
    links = LinkSet(division, ServiceLocation, ENTITY)
    links.set(location.pk, "80/Yard", "1", "hash")

    # Renamed here: QuickBooks answered with another record and kept the old one.
    links.leave_behind("80/Yard")
    links.leave_behind("80/Yard")
    links.set(location.pk, "80/Back Yard", "2", "hash")

    assert LinkSet(division, ServiceLocation, ENTITY).left_behind() == {"80/Yard"}
    assert LeftBehindRecord.objects.get().entity_type == ENTITY

    # Its old name back: linked to the old record again, which is synced again.
    links.leave_behind("80/Back Yard")
    links.set(location.pk, "80/Yard", "3", "hash")

    assert LinkSet(division, ServiceLocation, ENTITY).left_behind() == {"80/Back Yard"}


def test_records_left_behind_are_the_divisions_and_the_entitys_own(division):
    LeftBehindRecord.objects.create(division=DivisionFactory(), entity_type=ENTITY, qbo_id="80/Yard")
    LeftBehindRecord.objects.create(division=division, entity_type="Item", qbo_id="81")

    assert LinkSet(division, ServiceLocation, ENTITY).left_behind() == set()


def test_a_preview_leaves_nothing_behind(division):
    location = ServiceLocationFactory(customer__division=division)
    links = PreviewLinkSet(division, ServiceLocation, ENTITY, PlannedLinks())
    links.set(location.pk, "80/Yard", "1", "hash")

    links.leave_behind("80/Yard")

    assert links.left_behind() == {"80/Yard"}
    assert not LeftBehindRecord.objects.exists()


def test_links_set_together_are_saved_at_the_end_and_answer_meanwhile(division, django_assert_max_num_queries):
    locations = ServiceLocationFactory.create_batch(4, customer__division=division)
    links = LinkSet(division, ServiceLocation, ENTITY)
    links.set(locations[0].pk, "70", "1", "old")

    with django_assert_max_num_queries(3), links.saved_together():
        for number, location in enumerate(locations):
            links.set(location.pk, f"9{number}", "2", "new")
        assert links.remote("91").object_id == locations[1].pk
        assert not RecordLink.objects.filter(qbo_id="91").exists()
        # A refusal after all (a write retried): sent again at the next run.
        links.touch(links.local(locations[2].pk), content_hash="")
        links.forget(locations[3].pk)

    stored = dict(RecordLink.objects.values_list("qbo_id", "content_hash"))
    assert stored == {"90": "new", "91": "new", "92": ""}


def test_links_set_together_are_not_saved_when_the_block_fails(division):
    location = ServiceLocationFactory(customer__division=division)
    links = LinkSet(division, ServiceLocation, ENTITY)

    with pytest.raises(RuntimeError), links.saved_together():
        links.set(location.pk, "90", "1", "hash")
        raise RuntimeError

    assert not RecordLink.objects.exists()
    links.set(location.pk, "91", "1", "hash")
    assert RecordLink.objects.get().qbo_id == "91"


def test_records_left_behind_known_to_another_link_set_of_the_entity_are_not_read_again(
    division, django_assert_num_queries
):
    LeftBehindRecord.objects.create(division=division, entity_type=ENTITY, qbo_id="80/Yard")
    known = LinkSet(division, ServiceLocation, ENTITY).left_behind()

    with django_assert_num_queries(0):
        assert LinkSet(division, ServiceLocation, ENTITY).left_behind(known=known) == {"80/Yard"}
