"""What a browser would submit for a form as the page shows it: the write matrix fills a form's defaults so that
a sample names only what it changes."""
from html.parser import HTMLParser


class _Fields(HTMLParser):
    def __init__(self, page: str, form_action: str):
        super().__init__()
        self.page, self.action, self.inside, self.fields = page, form_action, False, {}
        self._select = self._textarea = None
        self._first = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            posts_to = (a.get("action") or self.page).split("?")[0]
            self.inside = a.get("method", "get").lower() == "post" and posts_to.endswith(self.action)
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "y"), multiple=a.get("type") == "checkbox")
            else:
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [] if "multiple" in a else None)
        elif tag == "option" and self._select:
            self._first.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self._add(self._select, a.get("value", ""), multiple=isinstance(self.fields[self._select], list))
        elif tag == "textarea" and name:
            self._textarea, self.fields[name] = name, ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if self.fields[self._select] is None:
                self.fields[self._select] = self._first.get(self._select, "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:  # a browser drops the newline that directly follows <textarea>
            first = not self.fields[self._textarea]
            self.fields[self._textarea] += data.removeprefix("\r").removeprefix("\n") if first else data

    def _add(self, name, value, multiple):
        if multiple:
            self.fields.setdefault(name, [])
            self.fields[name].append(value)
        else:
            self.fields[name] = value


def form_fields(page: str, html: str, action: str) -> dict:
    """{name: value or [values]} of the POST form on the page (path `page`, content `html`) posting to `action`."""
    parser = _Fields(page, action)
    parser.feed(html)
    return parser.fields
