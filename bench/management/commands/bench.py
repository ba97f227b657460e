import json
from datetime import datetime, timezone
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from bench import pages as bench


class Command(BaseCommand):
    help = ("在选定规模的演示数据上测量各关键页面的服务端耗时（中位数、p95）和查询次数，"
            "并与最小视图及同一模型的 Django admin 列表对比。")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(bench.SCALES), default="small",
                            help="small：一个街道 7 个社区；district：50 个社区、5 万名党员；"
                                 "city：10 个街道共 500 个社区、50 万名党员")
        # A scale's sizes can be overridden: the same street alone and among many streets.
        parser.add_argument("--streets", type=int, help="街道数量（覆盖规模中的值）")
        parser.add_argument("--communities", type=int, help="每个街道的社区数量（覆盖规模中的值）")
        parser.add_argument("--members", type=int, dest="members_per_community",
                            help="每个社区的党员数量（覆盖规模中的值）")
        parser.add_argument("--years", type=int, help="记录年数（覆盖规模中的值）")
        parser.add_argument("--json", dest="json_path", required=True,
                            help="测量结果写入的 JSON 文件")
        parser.add_argument("--repeat", type=int, default=20, help="每个页面计时的请求次数")
        parser.add_argument("--reuse", action="store_true",
                            help="数据库中已有数据时直接测量（不重新建数据）")
        parser.add_argument("--markdown", action="store_true",
                            help="表格按 Markdown 打印（贴进 README）")
        parser.add_argument("--only", action="append", default=[],
                            help="只测标签含此文字的页面（可多次给出；基准页总会测量）")

    def handle(self, *args, scale, json_path, repeat, reuse, only, markdown, **options):
        from organizations.models import Node

        if repeat < 1:
            raise CommandError("--repeat 至少为 1。")
        sizes = {key: options.get(key) for key in
                 ("streets", "communities", "members_per_community", "years")}
        if any(value is not None and value < (0 if key == "members_per_community" else 1)
               for key, value in sizes.items()):
            raise CommandError("--streets、--communities 和 --years 至少为 1，--members 不能为负数。")
        call_command("migrate", interactive=False, verbosity=0)
        seed_seconds = None
        if Node.objects.exists():
            if not reuse:
                raise CommandError("数据库中已有数据：请换一个空数据库，或加 --reuse 在现有数据上测量。")
            self.stdout.write("使用数据库中已有的数据。")
        else:
            chosen = {**bench.SCALES[scale],
                      **{key: value for key, value in sizes.items() if value is not None}}
            self.stdout.write(f"建立 {scale} 规模的演示数据：{chosen}")
            seed_seconds = bench.seed(scale, log=self.stdout.write, **sizes)
            self.stdout.write(f"建数据用时 {seed_seconds:.1f} 秒")
        try:
            data = bench.BenchData.load()
        except LookupError as error:
            raise CommandError(str(error)) from None
        rows = bench.counts()
        self.stdout.write("数据：" + "，".join(f"{key} {value}" for key, value in rows.items()))
        pages = [page for page in bench.PAGES if not only or any(part in page.label for part in only)]
        # The 全部重算 rows time a page opened before the worker has judged the streets again
        # after a rule change (what it costs then); the re-warm itself is timed apart.
        with override_settings(COMPLIANCE_REWARM_SECONDS=None):
            try:
                results = bench.run(data, repeat, pages=pages, log=self.stdout.write)
            except RuntimeError as error:
                raise CommandError(str(error)) from error
            rewarm_seconds = bench.time_rewarm()
        report = {
            "taken_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "scale": scale if seed_seconds is not None else "reused",
            "sizes": chosen if seed_seconds is not None else None,
            "seed_seconds": round(seed_seconds, 1) if seed_seconds is not None else None,
            "repeat": repeat, "machine": bench.machine(), "rows": rows, "pages": results,
            "rewarm_seconds": rewarm_seconds,
        }
        Path(json_path).write_text(json.dumps(report, ensure_ascii=False, indent=2),
                                   encoding="utf-8")
        self.stdout.write("")
        self.stdout.write(bench.markdown_table(results) if markdown else bench.table(results))
        self.stdout.write("")
        self.stdout.write(f"规则变更后由 worker 重新计算全部街道的三会一课数据：{rewarm_seconds} 秒")
        machine = report["machine"]
        load = " / ".join(str(value) for value in machine["load_average"])
        self.stdout.write(f"{machine['cpus']} CPU，{machine['memory_gb']} GB，{machine['database']}，"
                          f"Python {machine['python']}，Django {machine['django']}；"
                          f"负载 {load}；每页 {repeat} 次请求。结果已写入 {json_path}")
