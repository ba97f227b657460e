from kernel.paths import (community_id_of, community_path_of, path_ids, prefixes,
                          street_path_of)


def test_a_path_reads_street_community_and_ancestors():
    assert path_ids("/1/7/42/") == [1, 7, 42]
    assert prefixes("/1/7/42/") == ["/1/", "/1/7/", "/1/7/42/"]
    assert street_path_of("/1/7/42/") == "/1/"
    assert community_path_of("/1/7/42/9/") == "/1/7/" == community_path_of("/1/7/")
    assert community_path_of("/1/") == "/1/"
    assert community_id_of("/1/7/42/") == 7


def test_two_month_additions_answer_two_questions():
    from datetime import date

    from kernel.dates import add_months, first_of_month_after

    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert first_of_month_after(date(2025, 11, 30), 3) == date(2026, 2, 1)


def test_a_service_error_lands_next_to_its_field_or_on_top():
    from django import forms
    from django.core.exceptions import ValidationError

    from kernel.forms import add_service_errors

    class Form(forms.Form):
        reason = forms.CharField()

    form = Form({"reason": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"reason": "太短", "elsewhere": "别处"}))
    add_service_errors(form, ValidationError("整体"))  # names no field: points_adjust assumed a dict
    assert form.errors["reason"] == ["太短"]
    assert form.non_field_errors() == ["别处", "整体"]


def test_xlsx_download_names_a_chinese_file_and_is_kept_by_no_shared_cache():
    from urllib.parse import unquote

    from kernel import xlsx

    response = xlsx.download(b"PK", "第一党支部-2026年第4季度-会议记录本.xlsx")
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == "第一党支部-2026年第4季度-会议记录本.xlsx"
    assert response.content == b"PK"
