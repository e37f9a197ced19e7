#!/usr/bin/env python3
"""Helpers for tests/build.sh: the <main> of a page, the relative links of a
site that do not resolve, and what must never reach a page live."""
import html.parser
import os
import sys
import urllib.parse


def main_of(path):
    text = open(path, encoding="utf-8").read()
    a = text.find("<main")
    b = text.find("</main>")
    if a < 0 or b < 0:
        return text
    return text[a:b + len("</main>")] + "\n"


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self.ids, self.bad = [], set(), []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.urls.append((tag, k, v))
            if k == "id" and v:
                self.ids.add(v)
            if k.startswith("on"):
                self.bad.append("event handler attribute %s on <%s>" % (k, tag))
            if k in ("href", "src") and v and v.strip().lower().startswith(("javascript:", "vbscript:", "data:text")):
                self.bad.append("unsafe URL %r" % v)
        if tag == "script":
            src = dict(attrs).get("src")
            if src is None or "://" in src:
                self.bad.append("a <script> that is not one of the site's files")
        if tag in ("iframe", "object", "embed"):
            self.bad.append("<%s>" % tag)


def linkcheck(root):
    """Every relative href/src of every page resolves to a file of the site
    (and a fragment to an id of the page it names); no absolute URL to a
    network resource is loaded (scripts, styles, images)."""
    problems, pages, ids = [], {}, {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                p = os.path.join(dirpath, f)
                parser = Links()
                parser.feed(open(p, encoding="utf-8").read())
                pages[p] = parser
                ids[os.path.normpath(p)] = parser.ids
    checked = 0
    for p, parser in sorted(pages.items()):
        for msg in parser.bad:
            problems.append("%s: %s" % (os.path.relpath(p, root), msg))
        for tag, attr, url in parser.urls:
            u = urllib.parse.urlsplit(url)
            if u.scheme in ("http", "https", "mailto") or url == "":
                if u.scheme in ("http", "https") and (tag in ("script", "img", "link") and attr in ("src", "href") and tag != "a"):
                    problems.append("%s: loads %s from the network" % (os.path.relpath(p, root), url))
                continue
            if u.scheme or url.startswith("/"):
                problems.append("%s: not a relative link: %s" % (os.path.relpath(p, root), url))
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(p), urllib.parse.unquote(u.path))) if u.path else os.path.normpath(p)
            checked += 1
            if not os.path.isfile(target):
                problems.append("%s: %s does not resolve" % (os.path.relpath(p, root), url))
            elif u.fragment and target.endswith(".html") and urllib.parse.unquote(u.fragment) not in ids.get(target, set()):
                problems.append("%s: %s: no id %r there" % (os.path.relpath(p, root), url, u.fragment))
    return problems, checked, len(pages)


if __name__ == "__main__":
    if sys.argv[1] == "main":
        sys.stdout.write(main_of(sys.argv[2]))
    elif sys.argv[1] == "links":
        problems, checked, npages = linkcheck(sys.argv[2])
        for p in problems[:50]:
            print(p)
        print("links: %d pages, %d relative links checked, %d problems" % (npages, checked, len(problems)), file=sys.stderr)
        sys.exit(1 if problems else 0)
