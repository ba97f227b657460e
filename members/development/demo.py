"""Demo people in the pipeline of the secretary's branch (兰新社区第一党支部): one at each stage,
one applicant whose talk is overdue, and one more applicant in the first community for the
street's board."""
from datetime import timedelta

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from members.development import rules, services, steps
from members.development.factories import CandidateFactory
from members.development.models import Candidate
from members.factories import make_id_number
from members.models import Member
from members.services import member_convert
from organizations.models import Node

# (name, stage reached, days before today of the application)
PEOPLE = [
    ("陈思远", "applicant", 10),
    ("刘晓雯", "talk_overdue", 60),
    ("黄浩然", "activist", 200),
    ("吴静怡", "object", 480),
    ("郑家豪", "voted", 480),
    ("孙雨桐", "probationary", 700),
    ("马俊杰", "full", 1300),
]
VOTE = rules.Vote(with_right=18, present=15, votes_for=14, votes_against=1)


def seed(context):
    steps.ensure_defaults(apps)
    if len(context.community_nodes) < 2 or Candidate.objects.exists():
        return
    branch = (context.community_nodes[1].children.filter(kind=Node.Kind.BRANCH)
              .order_by("sort_order").first())
    full = list(Member.objects.active().full().filter(branch=branch).order_by("pk")[:2])
    if len(full) < 2:
        return
    today = context.today
    for number, (name, stage, applied) in enumerate(PEOPLE):
        born = today.replace(year=today.year - 28 - number, day=1)
        candidate = CandidateFactory.build(
            branch=branch, name=name, birth_date=born,
            id_number=make_id_number(990_000 + number, born),
            applied_on=today - timedelta(days=applied))
        _walk(candidate, stage, full, today)
    other = context.community_nodes[0].children.filter(kind=Node.Kind.BRANCH).first()
    born = today.replace(year=today.year - 30, day=1)
    services.candidate_register(candidate=CandidateFactory.build(
        branch=other, name="何志明", birth_date=born, id_number=make_id_number(990_100, born),
        applied_on=today - timedelta(days=5)))
    if context.members_per_community >= DISTRICT_MEMBERS_PER_COMMUNITY:
        _seed_many(context, today)


# At district scale (the bench) every branch has a few applicants and activists, some overdue,
# so the boards are timed on a street's worth of people.
DISTRICT_MEMBERS_PER_COMMUNITY = 500


def _seed_many(context, today):
    rng = context.rng
    people = []
    for index, branch in enumerate(context.branch_nodes):
        for offset in range(3):
            number = 1_000_000 + index * 3 + offset
            born = today.replace(year=today.year - 25 - offset, day=1)
            applied_on = today - timedelta(days=rng.randint(5, 700))
            activist = offset == 2 and (today - applied_on).days > 60
            people.append(Candidate(
                branch=branch, name=f"申请人{number}", gender=Member.Gender.MALE,
                birth_date=born, id_number=make_id_number(number, born), applied_on=applied_on,
                talked_on=applied_on + timedelta(days=20) if activist else None,
                activist_on=applied_on + timedelta(days=40) if activist else None,
                stage=Candidate.Stage.ACTIVIST if activist else Candidate.Stage.APPLICANT))
    Candidate.objects.bulk_create(people, batch_size=2000)


def _walk(candidate, stage, full, today):
    def day(before):
        return today - timedelta(days=before)

    pdf = SimpleUploadedFile("application.pdf", b"%PDF-1.4\n%%EOF\n")
    services.candidate_register(candidate=candidate,
                                record={"responsible": "张书记", "document": pdf})
    if stage in ("applicant", "talk_overdue"):
        return
    start = (today - candidate.applied_on).days
    services.candidate_talk(candidate=candidate, talked_on=day(start - 10),
                            record={"responsible": "张书记"})
    activist_on = day(start - 20)
    services.candidate_make_activist(candidate=candidate, activist_on=activist_on,
                                     contacts=full[:1])
    services.candidate_review(candidate=candidate, done_on=activist_on + timedelta(days=150))
    services.candidate_report(candidate=candidate, done_on=activist_on + timedelta(days=170))
    if stage == "activist":
        return
    object_on = activist_on + timedelta(days=370)
    services.candidate_make_object(candidate=candidate, object_on=object_on)
    services.candidate_introducers(candidate=candidate, introducers=full,
                                   done_on=object_on + timedelta(days=2))
    services.candidate_political_review(candidate=candidate,
                                        done_on=object_on + timedelta(days=5))
    services.candidate_training(candidate=candidate,
                                training_start=object_on + timedelta(days=10),
                                training_end=object_on + timedelta(days=12), training_hours=24)
    services.candidate_publicity(candidate=candidate,
                                 publicity_start=object_on + timedelta(days=20),
                                 publicity_end=object_on + timedelta(days=26))
    services.candidate_volunteer_form(candidate=candidate,
                                      done_on=object_on + timedelta(days=30))
    if stage == "object":
        # Still under 考察 until the 支部大会: a recent review and report.
        services.candidate_review(candidate=candidate, done_on=day(25))
        services.candidate_report(candidate=candidate, done_on=day(20))
        return
    meeting_on = object_on + timedelta(days=40)
    services.candidate_admit(candidate=candidate, meeting_on=meeting_on, vote=VOTE)
    if stage == "voted":
        return
    member = services.candidate_approve(candidate=candidate,
                                        approved_on=meeting_on + timedelta(days=30),
                                        category=Member.Category.EMPLOYED)
    if stage == "full":
        member_convert(member=member, decided_on=member.probation_ends_on + timedelta(days=3))
