"""The portal's pages, read from the access-matrix registry, each with a role that may open it.

New pages join the security sweeps by being registered in tests/access/, like the matrix.
"""
from html.parser import HTMLParser

from tests.access import all_entries

# Who opens a page in the sweeps: the first role the registry expects a 200 for.
ROLE_ORDER = ["staff", "secretary", "official", "member", "staff_other", "official_other",
              "anonymous"]


def role_for(entry):
    return next((role for role in ROLE_ORDER if entry.expect.get(role) == 200), None)


def readable_pages():
    """(entry, role) for every GET entry some role opens with 200, one per URL and kwargs."""
    return [(entry, role_for(entry)) for entry in all_entries()
            if entry.method == "get" and role_for(entry)]


def html_of(response):
    """The page's HTML, or "" for files (xlsx, photos, documents): they hold no forms or scripts."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return ""
    return response.content.decode()


def page_id(page):
    entry, role = page
    return f"{entry.name}-as-{role}"


class PageParser(HTMLParser):
    """Collects what the security tests look at: scripts, attributes and post forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline_scripts = []
        self.scripts_with_src = []
        self.attributes = []  # (tag, name, value)
        self.forms = []  # {"action": str, "method": "get" | "post", "fields": [field dict]}
        self._script = None
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)
        if tag == "script":
            if attributes.get("src"):
                self.scripts_with_src.append(attributes["src"])
            else:
                self._script = {"type": attributes.get("type", ""), "text": ""}
        elif tag == "form":
            self._form = {"action": attributes.get("action") or "", "fields": [],
                          "method": (attributes.get("method") or "get").lower()}
            self.forms.append(self._form)
        elif self._form is not None and attributes.get("name") and not \
                attributes.get("disabled"):
            self._field(tag, attributes)
        elif self._select is not None and tag == "option":
            self._select["options"].append(
                (attributes.get("value", ""), "selected" in attributes))

    def _field(self, tag, attributes):
        if tag == "input":
            self._form["fields"].append({
                "name": attributes["name"], "tag": "input",
                "type": (attributes.get("type") or "text").lower(),
                "value": attributes.get("value") or "", "checked": "checked" in attributes})
        elif tag == "textarea":
            self._textarea = {"name": attributes["name"], "tag": "textarea", "type": "textarea",
                              "value": ""}
            self._form["fields"].append(self._textarea)
        elif tag == "select":
            self._select = {"name": attributes["name"], "tag": "select", "type": "select",
                            "options": [], "multiple": "multiple" in attributes}
            self._form["fields"].append(self._select)
        elif tag == "button" and attributes.get("value") is not None:
            self._form["fields"].append({"name": attributes["name"], "tag": "button",
                                         "type": "submit", "value": attributes["value"]})

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline_scripts.append(self._script)
            self._script = None
        elif tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def parse(html):
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser
