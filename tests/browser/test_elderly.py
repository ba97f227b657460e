"""适老化 in the browser: member pages at phone width in 大字模式 and at 200 % text, tap targets,
and colour contrast (axe-core, vendored under static/vendor/axe-core/ and injected here only)."""
import pytest

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}
AXE = "/static/vendor/axe-core/axe.min.js"

MEMBER_PAGES = ["/members/me/", "/members/me/posts/", "/members/me/registration/",
                "/members/me/points/", "/activities/me/", "/activities/inbox/", "/appraisal/me/",
                "/appraisal/me/commitment/", "/dues/mine/", "/wishes/me/"]

# The serious rules of WCAG 2 A/AA that axe judges, beyond contrast: a page failing one of these
# is hard to use with a screen reader or a magnifier, which many retired members rely on.
SERIOUS = ("serious", "critical")


def _open(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")


def _axe_violations(page):
    page.add_script_tag(url=AXE)
    return page.evaluate("""async () => {
        const result = await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: '
                                                 + (n.failureSummary || '').slice(0, 200))}));
    }""")


def _judged(violations):
    return [v for v in violations if v["id"] == "color-contrast" or v["impact"] in SERIOUS]


def _overflow(page):
    return page.evaluate("() => document.scrollingElement.scrollWidth"
                         " - document.scrollingElement.clientWidth")


def _small_targets(page):
    """Links, buttons and fields of the member page (and the header's controls) smaller than
    44×44 CSS px. A link inside running text is exempt (WCAG 2.5.8), as are hidden ones."""
    return page.evaluate("""() => {
        const selector = 'main.member-page a[href], main.member-page button, '
            + 'main.member-page input:not([type=hidden]), main.member-page select, '
            + 'main.member-page textarea, .navbar-toggler, .language-switch button';
        const small = [];
        for (const element of document.querySelectorAll(selector)) {
            const box = element.getBoundingClientRect();
            if (!box.width || !box.height) continue;  // hidden
            if (getComputedStyle(element).visibility === 'hidden') continue;
            const inText = element.tagName === 'A' && getComputedStyle(element).display === 'inline'
                && element.parentElement.closest('p, small, .form-text, td');
            if (inText) continue;
            // A radio or checkbox counts with its label, which is tapped too.
            let target = box;
            if (element.type === 'checkbox' || element.type === 'radio') {
                const holder = element.closest('.form-check, label') || element;
                target = holder.getBoundingClientRect();
            }
            if (target.width < 44 || target.height < 44) {
                small.push(`${element.tagName.toLowerCase()} "${(element.innerText
                    || element.value || element.name || '').trim().slice(0, 20)}" `
                    + `${Math.round(target.width)}x${Math.round(target.height)}`);
            }
        }
        return small;
    }""")


def _member_context(browser, viewport):
    return browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=viewport == PHONE,
                               has_touch=viewport == PHONE)


def _switch_large_text_on(page, live_server):
    _open(page, f"{live_server.url}/members/me/")
    with page.expect_navigation():
        page.click("#large-text-form button[value=on]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.documentElement.classList.contains('large-text')")


def test_the_member_switches_large_text_on_and_it_follows_them(browser, live_server, login,
                                                               demo, screenshot):
    context = _member_context(browser, PHONE)
    page = context.new_page()
    login(page, "dangyuan")
    _open(page, f"{live_server.url}/members/me/")
    normal = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")

    _switch_large_text_on(page, live_server)

    large = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= normal * 1.25
    screenshot(page, "elderly-me-large-text")
    # Another phone: the choice is the member's, not the browser's.
    other = _member_context(browser, PHONE).new_page()
    login(other, "dangyuan")
    _open(other, f"{live_server.url}/dues/mine/")
    assert other.evaluate("() => document.documentElement.classList.contains('large-text')")
    other.context.close()
    context.close()


def test_the_menu_opens_with_taps_alone(browser, live_server, login, demo):
    """No hover, double tap or swipe: the phone's menu and the account menu open on one tap."""
    context = _member_context(browser, PHONE)
    page = context.new_page()
    login(page, "dangyuan")
    _open(page, f"{live_server.url}/members/me/")
    assert not page.is_visible("text=退出登录")
    _open_menu(page)
    page.locator("#mainnav .dropdown-toggle").tap()
    page.wait_for_selector("#mainnav .dropdown-menu button[type=submit]", state="visible")
    with page.expect_navigation():
        page.locator("#mainnav a.nav-link[href='/activities/me/']").tap()
    assert page.url.endswith("/activities/me/")
    context.close()


def _open_menu(page):
    """Tap the phone's menu button and wait until Bootstrap has opened the menu: a test that goes
    on to tap inside it then fails here, saying why, if the menu did not open."""
    page.tap(".navbar-toggler")
    page.wait_for_selector("#mainnav.show:not(.collapsing)", state="visible")


def _switch_to_english(page):
    _open_menu(page)
    with page.expect_navigation():
        page.locator(".language-switch button[value='en']").tap()
    assert page.evaluate("() => document.documentElement.lang") == "en"


@pytest.mark.parametrize("text_size", ["normal", "large-text", "large-text-en", "200%"])
def test_member_pages_fit_a_phone_with_large_taps(browser, live_server, login, demo,
                                                  screenshot, text_size):
    context = _member_context(browser, PHONE)
    page = context.new_page()
    login(page, "dangyuan")
    if text_size != "normal":
        _switch_large_text_on(page, live_server)
    if text_size.endswith("-en"):
        _switch_to_english(page)  # labels twice as long as the Chinese ones
    too_wide, too_small = [], []
    for path in MEMBER_PAGES:
        _open(page, f"{live_server.url}{path}")
        if text_size == "200%":
            # A phone's own text size setting at 200 %, on top of nothing else (WCAG 1.4.4).
            page.evaluate("() => { document.documentElement.classList.remove('large-text');"
                          " document.documentElement.style.fontSize = '200%'; }")
        extra = _overflow(page)
        if extra > 0:
            too_wide.append((path, extra))
        if text_size != "200%":
            too_small += [(path, target) for target in _small_targets(page)]
        screenshot(page, f"elderly-{text_size.strip('%')}-{path.strip('/').replace('/', '-')}")
    context.close()
    assert too_wide == []
    assert too_small == []


@pytest.mark.parametrize("large_text", [False, True])
def test_member_pages_pass_colour_contrast(browser, live_server, login, demo, large_text):
    context = _member_context(browser, PHONE)
    page = context.new_page()
    login(page, "dangyuan")
    if large_text:
        _switch_large_text_on(page, live_server)
    failures = {}
    for path in MEMBER_PAGES:
        _open(page, f"{live_server.url}{path}")
        judged = _judged(_axe_violations(page))
        if judged:
            failures[path] = judged
    context.close()
    assert failures == {}


@pytest.mark.parametrize("username", ["jiedao", "shequ", "shuji"])
def test_main_staff_pages_pass_colour_contrast(browser, live_server, login, demo, username):
    context = browser.new_context(viewport=WIDE, locale="zh-CN")
    page = context.new_page()
    login(page, username)
    # Each role's landing dashboard, the roster, meetings and the 发展党员 board (tinted rows).
    paths = ["/", "/members/", "/activities/meetings/", "/development/"]
    if username == "jiedao":
        from organizations.models import Node

        street = Node.objects.get(grants__user__username="jiedao")
        paths.append(f"/dashboard/street/{street.pk}/bulletin/")
    failures = {}
    for path in paths:
        _open(page, f"{live_server.url}{path}")
        judged = _judged(_axe_violations(page))
        if judged:
            failures[path] = judged
    context.close()
    assert failures == {}
