"""The rules page: read by the officials over the level (a street's, its district's), set by the
level's own; a district's officials set the district's rules, not a street's."""
from tests.access import Entry, expect

ENTRIES = [
    Entry("rulebook:rules", lambda w: {"pk": w.community.pk},
          expect=expect(secretary=404, staff=404)),
    Entry("rulebook:rules", lambda w: {"pk": w.district.pk},
          expect=expect(secretary=404, staff=404, official=404, district_official=200)),
    Entry("rulebook:edit", lambda w: {"pk": w.street.pk, "key": "moves"},
          expect=expect(secretary=404, staff=404, district_official=404)),
    Entry("rulebook:edit", lambda w: {"pk": w.district.pk, "key": "development"},
          expect=expect(secretary=404, staff=404, official=404, district_official=200)),
    Entry("rulebook:edit", lambda w: {"pk": w.street.pk, "key": "nonsense"},
          expect=expect(secretary=404, staff=404, official=404, district_official=404)),
    Entry("rulebook:clear", lambda w: {"pk": w.community.pk, "key": "terms"}, method="post",
          expect=expect(secretary=404, staff=404, official=302, district_official=404)),
    Entry("rulebook:dues_edit", lambda w: {"pk": w.street.pk, "rule": "rounding"},
          expect=expect(secretary=404, staff=404, district_official=404)),
    Entry("rulebook:dues_edit", lambda w: {"pk": w.district.pk, "rule": "farmer"},
          expect=expect(secretary=404, staff=404, official=404, district_official=200)),
    Entry("rulebook:dues_cancel",
          lambda w: {"pk": w.community.pk, "rule": "farmer", "month": "2030-01"}, method="post",
          expect=expect(secretary=404, staff=404, official=302, district_official=404)),
]
