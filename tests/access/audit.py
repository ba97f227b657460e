from tests.access import Entry, expect

# Street officials (each sees its own street's people) and superusers; nobody else.
STREET_OFFICIALS = expect(secretary=404, staff=404, official_other=200)

ENTRIES = [
    Entry("audit:search", expect=STREET_OFFICIALS),
]
