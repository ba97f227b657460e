"""The English catalogue is complete, compiled, and used when the user switches to English.

Msgids are Simplified Chinese (the default language); portal/locale/en holds the English.
Refresh after changing user-facing strings with `make messages`, translate the new entries,
and commit both django.po and django.mo.
"""
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "portal" / "locale"
PO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo"

# msgids deliberately left untranslated (none at present).
UNTRANSLATED_ALLOWED: set[str] = set()

ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse_po(path):
    """Entries of a .po file as dicts: keyword (msgid, msgid_plural, msgstr[0], ...) → text,
    plus "flags" (the `#,` comment words)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry, current = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[current] += _unquote(line)
            else:
                current, _, value = line.partition(" ")
                entry[current] = _unquote(value)
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries():
    parsed = parse_po(PO_PATH)
    assert parsed[0]["msgid"] == "", "the first entry should be the header"
    return parsed[1:]


def _translations(entry):
    if "msgid_plural" in entry:
        return [entry.get("msgstr[0]", ""), entry.get("msgstr[1]", "")]
    return [entry.get("msgstr", "")]


def test_catalogue_is_large_and_every_entry_is_translated(entries):
    assert len(entries) > 1000
    untranslated = {e["msgid"] for e in entries if not all(_translations(e))}
    assert untranslated <= UNTRANSLATED_ALLOWED, sorted(untranslated - UNTRANSLATED_ALLOWED)


def test_no_entry_is_fuzzy(entries):
    header = parse_po(PO_PATH)[0]
    assert "fuzzy" not in header["flags"]
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []


def test_translations_keep_placeholders_and_are_english(entries):
    for entry in entries:
        expected = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in _translations(entry):
            if "python-format" in entry["flags"]:
                # English may drop %(n)s from a singular ("1 member") but never invent one.
                names = set(PLACEHOLDER.findall(text))
                assert names <= set(expected) | set(PLACEHOLDER.findall(
                    entry.get("msgid_plural", ""))), (entry["msgid"], text)
                if "msgid_plural" not in entry:
                    assert sorted(PLACEHOLDER.findall(text)) == expected, (entry["msgid"], text)
            if entry["msgid"] != "简体中文":  # the language switcher names Chinese in Chinese
                assert not HAN.search(text) or "“" in text, (entry["msgid"], text)


def test_compiled_catalogue_matches_the_po(entries):
    with MO_PATH.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in entries:
        if "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == \
                entry["msgstr[0]"]
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2) == \
                entry["msgstr[1]"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def _english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def test_login_page_in_chinese_by_default_and_in_english_on_request(world, client):
    page = client.get("/accounts/login/").content.decode()
    assert "登录社区党建平台" in page and "Log in to the Community Party Building portal" not in page
    page = _english(client).get("/accounts/login/").content.decode()
    assert 'lang="en"' in page
    assert "Log in to the Community Party Building portal" in page
    assert "Forgotten your password? Ask community staff to reset it." in page
    assert "登录社区党建平台" not in page


def test_organization_tree_in_both_languages(world, client_as):
    client = client_as(world.users["staff"])
    page = client.get("/org/").content.decode()
    assert "组织架构" in page and "Organization structure" not in page
    page = _english(client).get("/org/").content.decode()
    assert "Organization structure" in page and "组织架构" not in page
    assert "Log out" in page  # the navigation bar is translated too


def test_roster_and_meetings_pages_in_english(world, client_as):
    client = _english(client_as(world.users["secretary"]))
    roster = client.get("/members/")
    assert roster.status_code == 200
    assert "Member roster" in roster.content.decode()
    meetings = client.get("/activities/meetings/")
    assert meetings.status_code == 200
    assert "Organizational life meetings" in meetings.content.decode()


def test_switching_back_to_chinese(world, client_as):
    client = _english(client_as(world.users["staff"]))
    assert "Organization structure" in client.get("/org/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "组织架构" in client.get("/org/").content.decode()


def test_labels_take_the_colon_of_the_language(world, client_as):
    client = client_as(world.users["member"])
    chinese = client.get("/members/me/").content.decode()
    assert f"所在支部：{world.branch.name}" in chinese
    english = _english(client).get("/members/me/").content.decode()
    assert f": {world.branch.name}" in english and "：" not in english
