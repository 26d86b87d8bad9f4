"""{% cachedrows page.cache_key [vary ...] %}…{% endcachedrows %}: cached list markup.

The key comes from the app's query (`core.cache.cached_page`), never from the
template; `vary` adds context values the markup depends on (a highlighted
row). Markup that reads the CSRF token or renders live state (presence) is
rendered afresh every time and never stored (`core.cache.cached_markup`).
Without a key the block is simply rendered.
"""

from __future__ import annotations

from django import template

from core import cache

register = template.Library()


class CachedRowsNode(template.Node):
    def __init__(self, nodelist, key, vary):
        self.nodelist, self.key, self.vary = nodelist, key, vary

    def render(self, context) -> str:
        key = self.key.resolve(context)
        if not key:
            return self.nodelist.render(context)
        parts = [key, *(str(v.resolve(context)) for v in self.vary)]
        return cache.cached_markup(context, ":".join(parts), self.nodelist.render)


@register.tag("cachedrows")
def do_cachedrows(parser, token) -> CachedRowsNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a cache key (page.cache_key)")
    nodelist = parser.parse(("endcachedrows",))
    parser.delete_first_token()
    return CachedRowsNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
