"""发展党员 (members.development): read by every role of the scope, written by staff and the
branch's secretary; nothing for members."""
from datetime import date

from tests.access import BRANCH_WRITE, COMMUNITY_READ, Entry, expect

REDIRECT_ANY_GRANT = expect(secretary=302, staff=302, staff_other=302, official_other=302,
                            official=302, secretary_other=302)
WRITERS = expect(staff_other=200, official=404, secretary_other=200)
WRITERS_REDIRECT = expect(secretary=302, staff=302, staff_other=302, official=404,
                          secretary_other=302)


def _candidate(world):
    """An applicant of B1 with the application's document on file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from members.development.factories import CandidateFactory
    from members.development.models import StepRecord

    if "candidate" not in world.extra:
        candidate = CandidateFactory(branch=world.branch, applied_on=date(2026, 11, 2))
        world.extra["candidate"] = candidate
        world.extra["record"] = StepRecord.objects.create(
            candidate=candidate, code="application", done_on=candidate.applied_on,
            document=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))


candidate = lambda world: {"pk": world.extra["candidate"].pk}  # noqa: E731
step = lambda world: {"pk": world.extra["candidate"].pk, "action": "talk"}  # noqa: E731
record = lambda world: {"pk": world.extra["record"].pk}  # noqa: E731

ENTRIES = [
    Entry("development:index", expect=REDIRECT_ANY_GRANT),
    Entry("development:board", lambda world: {"pk": world.branch.pk}),
    Entry("development:board", lambda world: {"pk": world.community.pk}, expect=COMMUNITY_READ),
    Entry("development:export", lambda world: {"pk": world.branch.pk}),
    Entry("development:candidate_create", expect=WRITERS),
    Entry("development:import_upload", expect=WRITERS),
    Entry("development:import_preview", expect=WRITERS_REDIRECT),
    Entry("development:candidate_detail", candidate, setup=_candidate),
    Entry("development:step", step, setup=_candidate, expect=BRANCH_WRITE),
    Entry("development:record_document", record, setup=_candidate),
]
