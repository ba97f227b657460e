"""The street settings page (减负): street A's officials only; on a district, its district
officials only."""
from tests.access import Entry, expect

ENTRIES = [
    Entry("streetsettings:edit", lambda w: {"pk": w.street.pk},
          expect=expect(secretary=404, staff=404)),
    Entry("streetsettings:edit", lambda w: {"pk": w.district.pk},
          expect=expect(secretary=404, staff=404, official=404, district_official=200)),
]
