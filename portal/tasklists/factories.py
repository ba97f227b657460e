"""Factories for 任务清单, used by tests."""
from datetime import timedelta

import factory
from django.utils import timezone

from organizations.factories import CommunityFactory, StreetFactory, UserFactory
from portal.tasklists.models import Task, TaskItem


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    street = factory.SubFactory(StreetFactory)
    title = factory.Sequence(lambda n: f"第{n}项任务")
    instructions = "对照清单逐项落实。"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    issued_by = factory.SubFactory(UserFactory)


class TaskItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskItem

    task = factory.SubFactory(TaskFactory)
    community = factory.SubFactory(CommunityFactory, parent=factory.SelfAttribute("..task.street"))
    deadline = factory.SelfAttribute("task.deadline")
