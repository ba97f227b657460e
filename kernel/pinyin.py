"""Finding people the way staff type: 张三 by "zhangsan", "zhang" or "zs".

`name_keys` turns a name into its search keys (full pinyin without tones, concatenated, and
the initials), computed once when the name is stored, so a search or an ordering by pinyin
is a plain indexed column and never a per-row computation. Models with a searched name
inherit `NameKeyed` (the keys follow every save) and give their queryset `NameKeyedQuerySet`
(the keys follow bulk_create, bulk_update and update too: the roster import writes in bulk).
"""
import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from kernel.normalize import normalize_text

PINYIN_LENGTH = 255
INITIALS_LENGTH = 50

# Surnames whose reading differs from the character's usual one (曾 zēng, not céng). pypinyin
# reads a name as a phrase and has no surname mode, so the first character is read from here.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
    "乐": "yue", "盖": "ge", "缪": "miao", "覃": "qin", "翟": "zhai", "员": "yun", "秘": "bi",
    "种": "chong", "尉": "yu", "召": "shao", "繁": "po", "句": "gou", "祭": "zhai", "黑": "he",
    "长": "chang", "重": "chong", "折": "she", "佴": "nai", "厍": "she", "逄": "pang",
}
# Compound surnames pypinyin already reads right as a phrase; their first character must not
# be read from the table above (单于 chányú, 长孙 zhǎngsūn).
COMPOUND_SURNAMES = ("单于", "长孙", "尉迟", "万俟", "澹台")

# Han characters (CJK unified ideographs, extension A, compatibility, 〇), latin words, digits;
# anything else (spaces, the · of 阿依古丽·买买提, punctuation) is not part of a key.
_TOKENS = re.compile(r"(?P<han>[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
                     r"|(?P<latin>[a-z]+)|(?P<digits>[0-9]+)")
_QUERY_SEPARATORS = re.compile(r"[\s'’·.\-]")


def name_keys(name):
    """(full pinyin, initials) of a name: 张三 → ("zhangsan", "zs"); 曾小明 → ("zengxiaoming",
    "zxm"); latin letters and digits are kept, lower-case (Anna李 → ("annali", "al"),
    3号楼王 → ("3haolouwang", "3hlw")); ü is written v as input methods type it (吕 → "lv")."""
    text = normalize_text(name).lower()
    syllables, initials = [], []
    for match in _TOKENS.finditer(text):
        run = match.group()
        if match.lastgroup == "han":
            readings = lazy_pinyin(run, style=Style.NORMAL, errors="ignore")
            if match.start() == 0 and run[0] in SURNAME_READINGS \
                    and not run.startswith(COMPOUND_SURNAMES):
                readings[0] = SURNAME_READINGS[run[0]]
            syllables += readings
            initials += [reading[0] for reading in readings if reading]
        else:
            syllables.append(run)
            initials.append(run if match.lastgroup == "digits" else run[0])
    return "".join(syllables)[:PINYIN_LENGTH], "".join(initials)[:INITIALS_LENGTH]


def name_search_q(value, *, name_field="name"):
    """What a name search box matches: the name containing the text as typed (张, 三), or, for
    latin letters and digits, the pinyin or the initials starting with them ("zhang",
    "zhangsan", "zs", "zhang san"). Starting, not containing: "li" finds 李 and 刘丽 would
    drown them, and a prefix reads the index."""
    text = normalize_text(value)
    match = Q(**{f"{name_field}__contains": text})
    key = _QUERY_SEPARATORS.sub("", text.lower())
    if key and key.isascii() and key.isalnum():
        match |= Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
    return match


class NameKeyedQuerySet(models.QuerySet):
    """Searches by name, pinyin or initials, and keeps the keys of rows written in bulk,
    which never pass through `save`."""

    def search(self, text, *, also=()):
        """Rows whose name matches `text` (see `name_search_q`) or one of the fields `also`
        contains it (a phone number typed in part); every row for an empty text."""
        text = normalize_text(text)
        if not text:
            return self
        match = name_search_q(text, name_field=self.model.name_keys_source)
        for field in also:
            match |= Q(**{f"{field}__contains": text})
        return self.filter(match)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.fill_name_keys()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if self.model.name_keys_source in fields:
            for obj in objs:
                obj.fill_name_keys()
            fields = [*fields, "name_pinyin", "name_initials"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        source = self.model.name_keys_source
        # bulk_update comes here with expressions for the name and its keys both.
        if source in kwargs and "name_pinyin" not in kwargs:
            if not isinstance(kwargs[source], str):
                raise TypeError(f"update({source}=…) needs the name itself to keep its keys")
            kwargs["name_pinyin"], kwargs["name_initials"] = name_keys(kwargs[source])
        return super().update(**kwargs)


class NameKeyed(models.Model):
    """A model whose `name_keys_source` field is searched by pinyin and ordered by it."""

    name_keys_source = "name"

    name_pinyin = models.CharField(_("姓名拼音"), max_length=PINYIN_LENGTH, blank=True,
                                   editable=False, db_index=True)
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=INITIALS_LENGTH, blank=True,
                                     editable=False, db_index=True)

    class Meta:
        abstract = True

    def fill_name_keys(self):
        self.name_pinyin, self.name_initials = name_keys(getattr(self, self.name_keys_source))

    def save(self, *args, **kwargs):
        self.fill_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.name_keys_source in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)


def fill_stored_name_keys(model, source="name", batch_size=2000):
    """Compute the keys of every stored row: the data migrations pass their own model."""
    rows = []
    for row in model.objects.only("pk", source).iterator(chunk_size=batch_size):
        row.name_pinyin, row.name_initials = name_keys(getattr(row, source))
        rows.append(row)
    model.objects.bulk_update(rows, ["name_pinyin", "name_initials"], batch_size=batch_size)
