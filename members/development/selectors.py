"""The pipeline board: people per stage for each part of a node, and who is overdue and why."""
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kernel.paths import path_ids
from members.development import rules
from members.development.models import Candidate, Limits
from organizations.models import Node

# Board columns: the five stages of the 细则, with the people voted in and awaiting approval
# apart (they are 发展对象 until the 上级党委 approves).
COLUMNS = [("applicant", _("入党申请人")), ("activist", _("入党积极分子")),
           ("object", _("发展对象")), ("voted", _("待上级审批")),
           ("probationary", _("预备党员")), ("full", _("正式党员"))]


def column_of(candidate):
    if candidate.stage == Candidate.Stage.APPROVED:
        return candidate.member.status if candidate.member_id else "probationary"
    return candidate.stage


@dataclass
class Board:
    node: object
    unit_rows: list   # (child node, [count per column]); the branch itself on a branch board
    totals: list
    candidates: list  # each with .dues (rules.Due) and .column
    overdue: list


def board(user, node, today):
    """A fixed number of queries whatever the number of people and branches."""
    candidates = list(Candidate.objects.visible_to(user).under(node)
                      .select_related("branch", "member").with_last_records()
                      .order_by("branch__path", "applied_on", "pk"))
    limits = Limits()
    depth = len(path_ids(node.path))
    counts = defaultdict(Counter)
    for candidate in candidates:
        unit_id = path_ids(candidate.branch.path)[depth] if node.kind != Node.Kind.BRANCH \
            else node.pk
        candidate.column = column_of(candidate)
        counts[unit_id][candidate.column] += 1
        counts[None][candidate.column] += 1
        candidate.dues = rules.dues(candidate, limits.for_path(candidate.branch.path), today)
    if node.kind == Node.Kind.BRANCH:
        units = [node]
    else:
        units = list(node.children.filter(archived_at__isnull=True)
                     .order_by("sort_order", "name"))
    return Board(
        node=node,
        unit_rows=[(unit, [counts[unit.pk][code] for code, _label in COLUMNS]) for unit in units],
        totals=[counts[None][code] for code, _label in COLUMNS],
        candidates=candidates,
        overdue=[candidate for candidate in candidates
                 if any(due.overdue for due in candidate.dues)])


SEARCH_LIMIT = 50


def search(user, node, text):
    """The people under `node` whose name matches `text` as staff type it (张, zhangsan, zs),
    in pinyin order; at most SEARCH_LIMIT, in two queries whatever their number."""
    return list(Candidate.objects.visible_to(user).under(node).search(text)
                .select_related("branch", "member").order_by("name_pinyin", "name", "pk")
                [:SEARCH_LIMIT])
