"""Invalid template variables fail loudly in the tests (portal.settings_test), as production
renders them: `default` still supplies its value, `{% if %}` still asks quietly."""
import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError, engines
from django.template.base import Origin
from django.utils import translation


def _render(source, **context):
    origin = Origin(str(settings.BASE_DIR / "templates" / "probe.html"))
    template = Template(source, origin=origin, engine=engines["django"].engine)
    return template.render(Context(context))


class _Claim:
    decided_by = None


def test_a_variable_that_does_not_resolve_raises():
    with pytest.raises(TemplateSyntaxError, match="claim.decided_by.username"):
        _render("{{ claim.decided_by.username }}", claim=_Claim())


def test_a_missing_argument_of_default_raises_like_in_production():
    with pytest.raises(Exception, match="username"):
        _render('{{ claim.decided_by|default:claim.decided_by.username }}', claim=_Claim())


def test_default_and_if_keep_their_meaning():
    assert _render('{{ claim.decided_by.username|default:"—" }}', claim=_Claim()) == "—"
    assert _render("{% if claim.decided_by.username %}x{% else %}y{% endif %}",
                   claim=_Claim()) == "y"


def test_a_blocktranslate_placeholder_missing_from_the_context_raises():
    translation.activate("zh-hans")
    with pytest.raises(TemplateSyntaxError, match="count"):
        _render("{% load i18n %}{% blocktranslate %}共 {{ count }} 人{% endblocktranslate %}")


def test_templates_of_installed_packages_keep_their_silence():
    assert Template("[{{ missing }}]", engine=engines["django"].engine).render(Context()) == "[]"
