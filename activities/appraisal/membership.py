"""The member page's appraisals: the grades decided by rounds, and the grades recorded on an
appraisal meeting's attendance before rounds existed (replacing activities' section of the same
name, so the page shows both as it always showed the second)."""
from django.utils import timezone

from activities import selectors
from activities.appraisal.models import Appraisee
from members.sections import section


@section("member_detail", "appraisals")
def appraisals(member):
    decided = list(Appraisee.objects.filter(member=member, round__decided_at__isnull=False)
                   .exclude(grade="").select_related("round__meeting"))
    covered = {row.round.meeting_id for row in decided}
    rows = [(row.round.year, row.get_grade_display(), row.round.meeting) for row in decided]
    rows += [row for row in selectors.appraisal_grades_for(member) if row[2].pk not in covered]
    return sorted(rows, key=lambda row: (row[0], timezone.localtime(row[2].starts_at)),
                  reverse=True)
