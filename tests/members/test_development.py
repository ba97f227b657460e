"""发展党员: the time rules on constructed calendars, the vote, scope, and the pages."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.development import ledger, rules, services
from members.development.factories import CandidateFactory
from members.development.models import Candidate, DevelopmentRule, Limits, StepRecord, limits_for
from members.development.steps import LIMITS, STEPS
from members.factories import MemberFactory
from members.models import Member

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULTS = {code: value for code, (value, _label) in LIMITS.items()}


def at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI),
                               tick=False)


def full_members(branch, count=2):
    return [MemberFactory(branch=branch) for _ in range(count)]


def to_activist(candidate, contacts, talked_on=date(2024, 9, 10), activist_on=date(2024, 10, 1)):
    services.candidate_talk(candidate=candidate, talked_on=talked_on)
    services.candidate_make_activist(candidate=candidate, activist_on=activist_on,
                                     contacts=contacts)
    return candidate


def to_volunteer_form(candidate, members):
    to_activist(candidate, members[:1])
    services.candidate_make_object(candidate=candidate, object_on=date(2025, 10, 8))
    services.candidate_introducers(candidate=candidate, introducers=members[:2],
                                   done_on=date(2025, 10, 10))
    services.candidate_political_review(candidate=candidate, done_on=date(2025, 10, 15))
    services.candidate_training(candidate=candidate, training_start=date(2025, 10, 20),
                                training_end=date(2025, 10, 22), training_hours=None)
    services.candidate_publicity(candidate=candidate, publicity_start=date(2025, 11, 1),
                                 publicity_end=date(2025, 11, 7))
    services.candidate_volunteer_form(candidate=candidate, done_on=date(2025, 11, 10))
    return candidate


PASSING_VOTE = rules.Vote(with_right=20, present=15, votes_for=11, votes_against=4)


@pytest.fixture(autouse=True)
def _calendar():
    """These tests build their calendar around 18 November 2026 (the talk due on 10 December,
    imports dated September): they run there at every moment of the calendar matrix."""
    with time_machine.travel(datetime(2026, 11, 18, 10, tzinfo=SHANGHAI), tick=True):
        yield


@pytest.fixture
def candidate(world):
    return CandidateFactory(branch=world.branch, applied_on=date(2024, 9, 1))


# The shipped steps --------------------------------------------------------------------------

def test_the_25_steps_in_5_stages_are_shipped_with_their_limits(db):
    assert [step.number for step in STEPS] == list(range(1, 26))
    assert {step.stage for step in STEPS} == {"applicant", "activist", "object", "probationary",
                                              "full"}
    assert {row.code: row.value for row in DevelopmentRule.objects.filter(node=None)} == DEFAULTS


def test_a_community_overrides_a_limit_and_its_branches_follow(world):
    DevelopmentRule.objects.create(node=world.community, code="talk_months", value=2)
    assert limits_for(world.branch)["talk_months"] == 2
    assert limits_for(world.other_branch)["talk_months"] == 1
    assert Limits().for_path(world.branch.path)["report_months"] == 3


# Time rules on constructed calendars ---------------------------------------------------------

def test_the_talk_is_due_within_a_month_of_the_application():
    applicant = Candidate(stage="applicant", applied_on=date(2026, 1, 31))
    due, = rules.dues(applicant, DEFAULTS, date(2026, 2, 28))
    assert (due.code, due.due_on, due.overdue) == ("talk", date(2026, 2, 28), False)
    assert rules.overdue(applicant, DEFAULTS, date(2026, 3, 1))[0].code == "talk"
    applicant.talked_on = date(2026, 2, 3)
    assert rules.dues(applicant, DEFAULTS, date(2026, 3, 1)) == []


def test_an_activist_is_reviewed_every_half_year_and_reports_every_quarter():
    activist = Candidate(stage="activist", applied_on=date(2025, 1, 2),
                         activist_on=date(2025, 3, 1))
    activist.last_report_on, activist.last_review_on = date(2025, 6, 1), None
    dues = {due.code: due for due in rules.dues(activist, DEFAULTS, date(2025, 9, 1))}
    assert dues["report"].due_on == date(2025, 9, 1) and not dues["report"].overdue
    assert dues["review"].due_on == date(2025, 9, 1)
    late = {due.code for due in rules.overdue(activist, DEFAULTS, date(2025, 9, 2))}
    assert late == {"report", "review"}
    activist.last_report_on, activist.last_review_on = date(2025, 9, 1), date(2025, 8, 30)
    assert rules.overdue(activist, DEFAULTS, date(2025, 9, 2)) == []


def test_the_talk_comes_after_the_application(candidate):
    with pytest.raises(ValidationError) as error:
        services.candidate_talk(candidate=candidate, talked_on=date(2024, 8, 31))
    assert "talked_on" in error.value.error_dict
    assert Candidate.objects.get().talked_on is None


def test_a_development_object_only_after_a_year_of_cultivation(world, candidate):
    to_activist(candidate, full_members(world.branch, 1), activist_on=date(2025, 2, 28))
    with pytest.raises(ValidationError) as error:
        services.candidate_make_object(candidate=candidate, object_on=date(2026, 2, 27))
    assert "2026" in error.value.message_dict["object_on"][0]
    assert Candidate.objects.get().stage == "activist"
    services.candidate_make_object(candidate=candidate, object_on=date(2026, 2, 28))
    assert Candidate.objects.get().stage == "object"


def test_contacts_are_one_or_two_full_members(world, candidate):
    services.candidate_talk(candidate=candidate, talked_on=date(2024, 9, 10))
    probationary = MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                                 joined_on=date(2026, 1, 1))
    for contacts in ([], full_members(world.branch, 3), [probationary]):
        with pytest.raises(ValidationError) as error:
            services.candidate_make_activist(candidate=candidate, activist_on=date(2024, 10, 1),
                                             contacts=contacts)
        assert "contacts" in error.value.error_dict
    assert Candidate.objects.get().stage == "applicant"
    assert not StepRecord.objects.filter(code="activist").exists()


def test_training_needs_three_days_or_24_hours(world, candidate):
    limits = limits_for(world.branch)
    assert not rules.training_is_enough(date(2025, 1, 1), date(2025, 1, 2), 16, limits)
    assert rules.training_is_enough(date(2025, 1, 1), date(2025, 1, 3), None, limits)
    assert rules.training_is_enough(date(2025, 1, 1), date(2025, 1, 1), 24, limits)


def test_introducers_are_two_full_members(world, candidate):
    members = full_members(world.branch)
    to_activist(candidate, members[:1])
    services.candidate_make_object(candidate=candidate, object_on=date(2025, 10, 8))
    with pytest.raises(ValidationError) as error:
        services.candidate_introducers(candidate=candidate, introducers=members[:1],
                                       done_on=date(2025, 10, 10))
    assert "introducers" in error.value.error_dict
    assert not candidate.introducers.exists()


def test_the_volunteer_form_comes_after_the_publicity(world, candidate):
    members = full_members(world.branch)
    to_activist(candidate, members[:1])
    services.candidate_make_object(candidate=candidate, object_on=date(2025, 10, 8))
    with pytest.raises(ValidationError, match="政治审查"):
        services.candidate_volunteer_form(candidate=candidate, done_on=date(2025, 11, 10))
    services.candidate_introducers(candidate=candidate, introducers=members,
                                   done_on=date(2025, 10, 10))
    services.candidate_political_review(candidate=candidate, done_on=date(2025, 10, 15))
    services.candidate_training(candidate=candidate, training_start=date(2025, 10, 20),
                                training_end=date(2025, 10, 22), training_hours=None)
    services.candidate_publicity(candidate=candidate, publicity_start=date(2025, 11, 1),
                                 publicity_end=date(2025, 11, 7))
    with pytest.raises(ValidationError, match="公示"):
        services.candidate_volunteer_form(candidate=candidate, done_on=date(2025, 11, 7))
    services.candidate_volunteer_form(candidate=candidate, done_on=date(2025, 11, 8))


def test_the_political_review_is_valid_one_year(world, candidate):
    to_volunteer_form(candidate, full_members(world.branch))
    with at(date(2026, 11, 1)):
        with pytest.raises(ValidationError) as error:
            services.candidate_admit(candidate=candidate, meeting_on=date(2026, 10, 16),
                                     vote=PASSING_VOTE)
        assert "meeting_on" in error.value.error_dict
        services.candidate_admit(candidate=candidate, meeting_on=date(2026, 10, 15),
                                 vote=PASSING_VOTE)


# The vote ------------------------------------------------------------------------------------

@pytest.mark.parametrize("vote, field, words", [
    (rules.Vote(20, 21, 15, 0), "voters_present", "不能多于"),
    (rules.Vote(20, 15, 12, 4), "votes_for", "多于到会"),
    (rules.Vote(20, 10, 10, 0), "voters_present", "人数不足"),
    (rules.Vote(20, 15, 10, 2), "votes_for", "不能接收"),
])
def test_a_vote_that_cannot_admit_says_why(vote, field, words):
    errors = vote.errors()
    assert list(errors) == [field] and words in errors[field]


def test_quorum_and_majority_count_those_with_the_right_to_vote():
    assert rules.Vote(20, 11, 11, 0).errors() == {}
    assert not rules.Vote(20, 10, 10, 0).quorum
    # 11 of 15 present is a majority of those present, and of those with the right.
    assert rules.Vote(21, 15, 11, 4).errors() == {}
    assert not rules.Vote(22, 15, 11, 4).majority


def test_a_failed_vote_saves_nothing(world, candidate):
    to_volunteer_form(candidate, full_members(world.branch))
    with pytest.raises(ValidationError):
        services.candidate_admit(candidate=candidate, meeting_on=date(2025, 11, 20),
                                 vote=rules.Vote(20, 10, 10, 0))
    candidate.refresh_from_db()
    assert candidate.stage == "object" and candidate.meeting_on is None
    assert not StepRecord.objects.filter(code="admission_meeting").exists()


# Approval and the roster ---------------------------------------------------------------------

def _voted(world, candidate, meeting_on=date(2025, 11, 20)):
    to_volunteer_form(candidate, full_members(world.branch))
    services.candidate_admit(candidate=candidate, meeting_on=meeting_on, vote=PASSING_VOTE)
    return candidate


def test_approval_within_three_months_or_six_in_special_cases(world, candidate):
    _voted(world, candidate)
    with pytest.raises(ValidationError) as error:
        services.candidate_approve(candidate=candidate, approved_on=date(2026, 2, 21))
    assert "approval_special" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.candidate_approve(candidate=candidate, approved_on=date(2026, 5, 21),
                                   special=True)
    assert "approved_on" in error.value.error_dict
    assert not Member.objects.filter(id_number=candidate.id_number).exists()
    member = services.candidate_approve(candidate=candidate, approved_on=date(2026, 5, 20),
                                        special=True)
    assert member.status == Member.Status.PROBATIONARY


def test_at_approval_the_person_joins_the_roster_on_the_day_of_the_meeting(world, candidate):
    _voted(world, candidate)
    before = Member.objects.count()
    member = services.candidate_approve(candidate=candidate, approved_on=date(2026, 1, 10))
    assert Member.objects.count() == before + 1
    assert (member.joined_on, member.branch, member.status) == (
        date(2025, 11, 20), world.branch, Member.Status.PROBATIONARY)
    assert member.probation_ends_on == date(2026, 11, 20)
    candidate.refresh_from_db()
    assert candidate.stage_label == "预备党员"


def test_approval_overdue_after_three_months(world, candidate):
    _voted(world, candidate, meeting_on=date(2025, 11, 20))
    candidate.refresh_from_db()
    assert rules.overdue(candidate, DEFAULTS, date(2026, 2, 20)) == []
    assert rules.overdue(candidate, DEFAULTS, date(2026, 2, 21))[0].code == "approval"


def test_people_in_the_pipeline_are_not_members(world, client_as):
    CandidateFactory.create_batch(3, branch=world.branch)
    assert Member.objects.count() == 1
    page = client_as(world.users["staff"]).get(reverse("members:roster"))
    assert all(candidate.name not in page.content.decode()
               for candidate in Candidate.objects.all())


# Pages ---------------------------------------------------------------------------------------

def test_a_step_refused_shows_its_message_next_to_the_field(world, client_as, candidate):
    services.candidate_talk(candidate=candidate, talked_on=date(2024, 9, 10))
    probationary = MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                                 joined_on=date(2026, 1, 1))
    page = client_as(world.users["secretary"]).post(
        reverse("development:step", args=[candidate.pk, "activist"]),
        {"activist_on": "2024-10-01", "contacts": [probationary.pk]})
    assert page.status_code == 200
    assert "不是在册的正式党员" in str(page.context["form"].errors["contacts"])
    assert Candidate.objects.get().stage == "applicant"


def test_dates_out_of_order_are_refused_next_to_the_field(world, client_as, candidate):
    page = client_as(world.users["staff"]).post(
        reverse("development:step", args=[candidate.pk, "talk"]), {"talked_on": "2024-08-01"})
    assert "talked_on" in page.context["form"].errors
    assert not StepRecord.objects.filter(code="talk").exists()


def test_a_vote_with_more_ballots_than_voters_is_refused_on_the_page(world, client_as,
                                                                     candidate):
    to_volunteer_form(candidate, full_members(world.branch))
    page = client_as(world.users["secretary"]).post(
        reverse("development:step", args=[candidate.pk, "admit"]),
        {"meeting_on": "2025-11-20", "voters_with_right": 10, "voters_present": 8,
         "votes_for": 7, "votes_against": 3})
    assert "多于到会" in str(page.context["form"].errors["votes_for"])
    assert Candidate.objects.get().stage == "object"


def test_another_communitys_or_sibling_branchs_applicant_is_404(world, client_as):
    theirs = CandidateFactory(branch=world.other_branch)
    sibling = CandidateFactory(branch=world.sibling_branch)
    staff = client_as(world.users["staff"])
    assert staff.get(reverse("development:candidate_detail", args=[theirs.pk])).status_code == 404
    assert staff.get(reverse("development:step", args=[theirs.pk, "talk"])).status_code == 404
    secretary = client_as(world.users["secretary"])
    for url in (reverse("development:candidate_detail", args=[sibling.pk]),
                reverse("development:step", args=[sibling.pk, "talk"]),
                reverse("development:board", args=[world.sibling_branch.pk]),
                reverse("development:board", args=[world.community.pk])):
        assert secretary.get(url).status_code == 404
    assert secretary.post(reverse("development:step", args=[sibling.pk, "talk"]),
                          {"talked_on": "2026-11-01"}).status_code == 404
    assert Candidate.objects.get(pk=sibling.pk).talked_on is None


def test_the_board_counts_each_stage_and_names_the_overdue(world, client_as):
    CandidateFactory(branch=world.branch, applied_on=date(2026, 9, 1), name="逾期甲")
    CandidateFactory(branch=world.branch, applied_on=date(2026, 11, 1), name="按期乙")
    CandidateFactory(branch=world.sibling_branch, applied_on=date(2026, 11, 1))
    page = client_as(world.users["staff"]).get(reverse("development:board",
                                                       args=[world.community.pk]))
    rows = dict((unit.pk, counts) for unit, counts in page.context["unit_rows"])
    assert rows[world.branch.pk][0] == 2 and rows[world.sibling_branch.pk][0] == 1
    assert [candidate.name for candidate in page.context["overdue_rows"]] == ["逾期甲"]
    assert "谈话已逾期" in page.content.decode()


def test_the_overdue_items_of_a_long_board_come_a_page_at_a_time(world, client_as, monkeypatch):
    from members.development import views

    monkeypatch.setattr(views, "OVERDUE_PAGE_SIZE", 2)
    for name, applied in (("逾期甲", date(2026, 8, 1)), ("逾期乙", date(2026, 8, 2)),
                          ("逾期丙", date(2026, 8, 3))):
        CandidateFactory(branch=world.branch, applied_on=applied, name=name)
    client = client_as(world.users["official"])
    url = reverse("development:board", args=[world.street.pk])

    def overdue(query=""):
        page = client.get(url + query)
        assert page.status_code == 200
        return [candidate.name for candidate in page.context["overdue_rows"]], page

    names, page = overdue()
    assert names == ["逾期甲", "逾期乙"]
    html = page.content.decode()
    assert "1 / 2" in html and "page=2" in html and ">3</span>" in html
    assert overdue("?page=2")[0] == ["逾期丙"]
    assert overdue("?page=99")[0] == ["逾期丙"]
    assert overdue("?page=x%00")[0] == overdue("?page=-1")[0] == ["逾期甲", "逾期乙"]
    names, page = overdue("?q=逾期&page=2")
    assert names == ["逾期丙"] and "q=%E9%80%BE%E6%9C%9F&page=1" in page.content.decode()


@pytest.mark.parametrize("node", ["street", "community", "branch"])
def test_board_queries_do_not_grow_with_candidates(world, client_as,
                                                   django_assert_max_num_queries, node):
    for branch in (world.branch, world.sibling_branch, world.other_branch):
        for _ in range(5):
            CandidateFactory(branch=branch)
    client = client_as(world.users["official"])
    url = reverse("development:board", args=[getattr(world, node).pk])
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200


def test_a_document_is_served_only_within_scope(world, client_as, candidate):
    pdf = SimpleUploadedFile("talk.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    record = services.candidate_talk(candidate=candidate, talked_on=date(2024, 9, 10),
                                     record={"document": pdf}) and StepRecord.objects.get(
        code="talk")
    url = reverse("development:record_document", args=[record.pk])
    assert client_as(world.users["secretary"]).get(url).status_code == 200
    assert client_as(world.users["secretary_other"]).get(url).status_code == 404
    assert client_as(world.users["staff_other"]).get(url).status_code == 404


# The ledger ----------------------------------------------------------------------------------

def test_the_ledger_exports_and_the_import_previews_per_row(world, client_as):
    from kernel.xlsx import workbook, workbook_bytes
    from members.factories import make_id_number

    CandidateFactory(branch=world.branch, name="=HYPERLINK(1)")
    exported = client_as(world.users["staff"]).get(
        reverse("development:export", args=[world.community.pk]))
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    book = workbook()
    sheet = book.active
    sheet.append(["发展党员台账"])
    sheet.append([header for header, _field in ledger.IMPORT_COLUMNS])
    good = make_id_number(77, date(1999, 1, 2))
    sheet.append(["钱小明", "男", "1999-01-02", good, world.branch.name, "2026.9.1",
                  "2026年9月20日", None])
    sheet.append(["孙小红", "女", "1999-01-02", good, world.branch.name, "2026-09-01", None,
                  None])
    sheet.append(["周某", "女", "1999-01-02", make_id_number(78, date(1999, 1, 2)),
                  world.other_branch.name, "2026-09-01", "2026-08-01", None])
    upload = SimpleUploadedFile("ledger.xlsx", workbook_bytes(book))
    result = ledger.preview(upload, [world.branch])
    assert [row.number for row in result.valid] == [3]
    errors = {row.number: [column for column, _message in row.errors] for row in result.failed}
    assert errors[4] == ["身份证号"]
    assert set(errors[5]) == {"所在支部", "谈话日期"}
    assert Candidate.objects.count() == 1
    created, = ledger.import_rows(result, world.users["staff"])
    assert (created.stage, created.talked_on) == ("applicant", date(2026, 9, 20))


# Reminders -----------------------------------------------------------------------------------

def _forget_the_scans():
    """As before any scan: the next one runs every source in full and records anew."""
    from activities.models import Notification, ReminderScan

    Notification.objects.all().delete()
    ReminderScan.objects.all().delete()


def _reminded(now, source):
    from activities.models import Notification
    from activities.reminders import scan

    scan(now, sources=[source])
    return {(row.recipient.username, row.kind) for row in Notification.objects.all()}


def test_the_talk_due_is_reminded_to_the_secretary_and_the_staff(world):
    applicant = CandidateFactory(branch=world.branch, applied_on=date(2026, 1, 31))
    CandidateFactory(branch=world.sibling_branch, applied_on=date(2026, 1, 31),
                     talked_on=date(2026, 2, 1))
    source = "development_talk_due"
    assert _reminded(datetime(2026, 2, 20, 9, tzinfo=SHANGHAI), source) == set()
    assert _reminded(datetime(2026, 2, 21, 9, tzinfo=SHANGHAI), source) == {
        ("secretary", f"{source}:20260228"), ("staff", f"{source}:20260228")}
    from activities.models import Notification
    from activities.reminders import SOURCES

    # Each names the candidate and links to their page (built without reverse() per row).
    assert {(row.url, row.title) for row in Notification.objects.all()} == {
        (applicant.get_absolute_url(), f"{applicant.name}的入党谈话应于 2026年2月28日 前进行")}

    is_current = SOURCES[source].is_current
    assert is_current(applicant.pk, f"{source}:20260228", datetime(2026, 2, 22, tzinfo=SHANGHAI))
    Candidate.objects.filter(pk=applicant.pk).update(talked_on=date(2026, 2, 22))
    assert not is_current(applicant.pk, f"{source}:20260228",
                          datetime(2026, 2, 22, tzinfo=SHANGHAI))


def test_a_missing_report_and_an_overdue_approval_are_reminded(world):
    CandidateFactory(branch=world.branch, stage="activist", talked_on=date(2025, 9, 1),
                     applied_on=date(2025, 8, 1), activist_on=date(2026, 6, 1))
    assert _reminded(datetime(2026, 9, 1, 9, tzinfo=SHANGHAI),
                     "development_report_missing") == set()
    assert ("secretary", "development_report_missing:20260901") in _reminded(
        datetime(2026, 9, 2, 9, tzinfo=SHANGHAI), "development_report_missing")
    CandidateFactory(branch=world.branch, stage="voted", meeting_on=date(2026, 5, 10))
    assert ("staff", "development_approval_overdue:20260810") in _reminded(
        datetime(2026, 8, 11, 9, tzinfo=SHANGHAI), "development_approval_overdue")


def test_one_scan_judges_the_candidates_once_for_the_four_sources(world):
    """The four 发展党员 sources of one scan share one reading of the pipeline; each finds what
    it finds alone, and the next scan reads afresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities.development_reminders import SOURCES as DEVELOPMENT
    from activities.models import Notification
    from activities.reminders import scan

    CandidateFactory(branch=world.branch, applied_on=date(2026, 1, 31))
    CandidateFactory(branch=world.branch, stage="voted", meeting_on=date(2025, 11, 10))
    now = datetime(2026, 2, 21, 9, tzinfo=SHANGHAI)
    alone = set()
    for source in DEVELOPMENT:
        alone |= _reminded(now, source)
        _forget_the_scans()
    assert {kind.split(":")[0] for _user, kind in alone} == {
        "development_talk_due", "development_approval_overdue"}

    def reads_of_the_pipeline(queries):
        return sum('FROM "development_candidate"' in query["sql"] for query in queries)

    with CaptureQueriesContext(connection) as one:
        scan(now, sources=["development_talk_due"])
    _forget_the_scans()
    with CaptureQueriesContext(connection) as four:
        scan(now, sources=list(DEVELOPMENT))
    assert reads_of_the_pipeline(four) == reads_of_the_pipeline(one) > 0
    assert {(row.recipient.username, row.kind) for row in Notification.objects.all()} == alone

    CandidateFactory(branch=world.branch, applied_on=date(2026, 2, 1))
    assert ("secretary", "development_talk_due:20260301") in _reminded(
        datetime(2026, 2, 22, 9, tzinfo=SHANGHAI), "development_talk_due")


def test_registering_an_application_through_the_form(world, client_as):
    from members.factories import make_id_number

    client = client_as(world.users["secretary"])
    url = reverse("development:candidate_create")
    form = {"branch": world.branch.pk, "name": "钱小明", "gender": "male",
            "birth_date": "2027-01-01", "id_number": make_id_number(55, date(1999, 1, 2)),
            "applied_on": "2026-11-10"}
    page = client.post(url, form)
    assert "birth_date" in page.context["form"].errors
    assert not Candidate.objects.exists()
    page = client.post(url, {**form, "branch": world.sibling_branch.pk,
                             "birth_date": "1999-01-02"})
    assert "branch" in page.context["form"].errors
    page = client.post(url, {**form, "birth_date": "1999-01-02",
                             "id_number": world.member.id_number})
    assert "已在党员名册中" in str(page.context["form"].errors["id_number"])
    page = client.post(url, {**form, "birth_date": "1999-01-02"})
    candidate = Candidate.objects.get()
    again = client.post(url, {**form, "birth_date": "1999-01-02"})
    assert "已在发展党员台账中" in str(again.context["form"].errors["id_number"])
    assert page.status_code == 302 and candidate.stage == "applicant"
    assert StepRecord.objects.get().code == "application"
    detail = client.get(candidate.get_absolute_url())
    assert "谈话应于2026年12月10日前完成" in detail.content.decode()


def test_the_ledger_import_pages_preview_then_import(world, client_as, settings, tmp_path):
    from kernel.xlsx import workbook, workbook_bytes
    from members.factories import make_id_number

    settings.MEDIA_ROOT = tmp_path
    book = workbook()
    book.active.append([header for header, _field in ledger.IMPORT_COLUMNS])
    book.active.append(["钱小明", "男", "1999-01-02", make_id_number(66, date(1999, 1, 2)),
                        world.branch.name, "2026-09-01", None, None])
    book.active.append(["孙小红", "女", "1999-01-02", "123", world.branch.name, "2026-09-01",
                        None, None])
    client = client_as(world.users["staff"])
    upload = SimpleUploadedFile("ledger.xlsx", workbook_bytes(book))
    page = client.post(reverse("development:import_upload"), {"file": upload})
    assert page.status_code == 302
    preview = client.get(reverse("development:import_preview"))
    assert "孙小红" in preview.content.decode() and not Candidate.objects.exists()
    client.post(reverse("development:import_preview"))
    assert list(Candidate.objects.values_list("name", flat=True)) == ["钱小明"]


def test_the_district_demo_gives_every_branch_applicants_and_the_ledger_escapes_formulas(
        world, client_as):
    import io
    import random
    from types import SimpleNamespace

    from openpyxl import load_workbook

    from members.development import demo

    demo._seed_many(SimpleNamespace(branch_nodes=[world.branch, world.other_branch],
                                    rng=random.Random(1)), date(2026, 11, 18))
    assert Candidate.objects.filter(branch=world.other_branch).count() == 3
    Candidate.objects.filter(branch=world.branch).update(name="=cmd|x")
    exported = client_as(world.users["secretary"]).get(
        reverse("development:export", args=[world.branch.pk]))
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet.cell(row=1, column=2).value == "姓名"
    assert sheet.cell(row=2, column=2).value == "=cmd|x"
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert sheet.max_row == 4  # B1's three, not B2's


# Pinyin ---------------------------------------------------------------------------------------

def test_staff_find_a_candidate_by_initials_or_pinyin_in_pinyin_order(world, client_as):
    # Unicode puts 王中 (中 U+4E2D) before 王安 (安 U+5B89); pinyin puts wangan first.
    zhong = CandidateFactory(branch=world.branch, name="王中")
    an = CandidateFactory(branch=world.sibling_branch, name="王安")
    CandidateFactory(branch=world.branch, name="李娜")
    CandidateFactory(branch=world.other_branch, name="王外")  # another community's
    assert (zhong.name_pinyin, zhong.name_initials) == ("wangzhong", "wz")
    client = client_as(world.users["staff"])
    url = reverse("development:board", args=[world.community.pk])
    for typed in ("wang", "Wang An", "wa"):
        found = client.get(url, {"q": typed}).context["found"]
        assert [c.name for c in found][:1] == ["王安"], typed
    assert [c.pk for c in client.get(url, {"q": "wang"}).context["found"]] == [an.pk, zhong.pk]
    page = client.get(url, {"q": "wz"})
    assert [c.pk for c in page.context["found"]] == [zhong.pk]
    assert "王中" in page.content.decode()
    assert client.get(url, {"q": "ww"}).context["found"] == []  # 王外 is out of scope
    assert client.get(url).context["found"] is None


def test_a_renamed_candidate_and_stored_rows_get_their_keys(world):
    import importlib

    from django.apps import apps

    candidate = CandidateFactory(branch=world.branch, name="曾小明")
    assert candidate.name_pinyin == "zengxiaoming"
    Candidate.objects.filter(pk=candidate.pk).update(name="吕方")
    candidate.refresh_from_db()
    assert (candidate.name_pinyin, candidate.name_initials) == ("lvfang", "lf")
    # Rows stored before the keys existed: the migration fills them.
    Candidate.objects.filter(pk=candidate.pk).update(name_pinyin="", name_initials="")
    migration = importlib.import_module(
        "members.development.migrations.0003_candidate_name_pinyin")
    migration.fill_name_keys(apps, None)
    assert Candidate.objects.filter(pk=candidate.pk, name_initials="lf").exists()


def test_board_search_queries_do_not_grow_with_matches(world, client_as,
                                                       django_assert_max_num_queries):
    for branch in (world.branch, world.sibling_branch, world.other_branch):
        for index in range(5):
            CandidateFactory(branch=branch, name=f"张{'一二三四五'[index]}")
    client = client_as(world.users["official"])
    url = reverse("development:board", args=[world.street.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url, {"q": "zh"})
    assert len(page.context["found"]) == 15
