from tests.access import MEMBER_OWN, Entry

ENTRIES = [
    Entry("members:me", expect=MEMBER_OWN),
]
