"""The search keys of a name (kernel.pinyin): computed once, read by every name search."""
import pytest
from django.test import RequestFactory

from kernel.pinyin import name_keys, name_search_q
from kernel.request_params import search_param


@pytest.mark.parametrize("name, keys", [
    ("张三", ("zhangsan", "zs")),
    ("欧阳娜娜", ("ouyangnana", "oynn")),
    # Surnames read as surnames: 曾 zēng, 单 shàn, 解 xiè (not céng, dān, jiě).
    ("曾小明", ("zengxiaoming", "zxm")),
    ("单田芳", ("shantianfang", "stf")),
    ("解缙", ("xiejin", "xj")),
    # …but a compound surname as a whole (单于 chányú), and the rest of a name as usual (单 dān).
    ("单于", ("chanyu", "cy")),
    ("李单", ("lidan", "ld")),
    # ü as input methods type it.
    ("吕女士", ("lvnvshi", "lns")),
    # Latin letters and digits kept, lower-case; full-width ones too; punctuation dropped.
    ("Anna李", ("annali", "al")),
    ("ＡＢ王", ("abwang", "aw")),
    ("3号楼 王", ("3haolouwang", "3hlw")),
    ("阿依古丽·买买提", ("ayigulimaimaiti", "ayglmmt")),
    ("", ("", "")),
    ("   ", ("", "")),
    (None, ("", "")),
])
def test_name_keys(name, keys):
    assert name_keys(name) == keys


def test_keys_fit_their_columns():
    pinyin, initials = name_keys("张" * 80 + "a" * 300)
    assert len(pinyin) <= 255 and len(initials) <= 50


def test_only_latin_queries_read_the_keys():
    assert "name_pinyin__startswith" in str(name_search_q("Zhang San"))
    assert "'zhangsan'" in str(name_search_q("Zhang San"))
    assert "name_pinyin" not in str(name_search_q("张"))


def test_search_param_drops_control_characters_and_is_short():
    request = RequestFactory().get("/", {"q": " zs\x00\x01 "})
    assert search_param(request) == "zs"
    assert len(search_param(RequestFactory().get("/", {"q": "张" * 500}))) == 50
    assert search_param(RequestFactory().get("/")) == ""
