from django.core.management.base import BaseCommand
from django.db import transaction

from portal import demo


class Command(BaseCommand):
    help = "建立演示数据：光明路街道及其社区、支部、党员和演示账号（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--communities", type=int, default=7,
                            help="社区数量（前 7 个取自材料中的社区名）")
        parser.add_argument("--streets", type=int, default=1,
                            help="城关区的街道数量（每个街道 --communities 个社区；演示账号在第一个街道）")
        parser.add_argument("--members-per-community", type=int, default=60)
        parser.add_argument("--years", type=int, default=1,
                            help="生成多少年的会议和活动记录")
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库中已有组织时什么也不做（make run 用）")

    def handle(self, *args, streets, communities, members_per_community, years, if_empty,
               **options):
        from organizations.models import Node

        if if_empty and Node.objects.exists():
            self.stdout.write("数据库中已有数据，跳过演示数据。")
            return
        if streets < 1 or communities < 1 or members_per_community < 0 or years < 1:
            self.stderr.write("--streets、--communities 和 --years 至少为 1，"
                              "--members-per-community 不能为负数。")
            return
        context = demo.DemoContext(streets=streets, communities=communities,
                                   members_per_community=members_per_community, years=years,
                                   log=lambda text: self.stdout.write(text))
        with transaction.atomic():
            demo.seed(context)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号密码均为 %s" % demo.DEMO_PASSWORD))
